from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, Field

from core.domain.roles import ROLES
from core.services import auth, users
from core.services.actor import Actor

RoleField = Field(description=f"One of: {', '.join(ROLES)}")


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    role: str
    language: str
    is_active: bool


class UserIn(BaseModel):
    email: str
    password: str = Field(description="At least 10 characters.")
    role: str = RoleField
    name: str = ""
    language: str = ""


class UserPatch(BaseModel):
    name: str | None = None
    role: str | None = None
    is_active: bool | None = None
    language: str | None = None
    password: str | None = None


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str
    role: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class ApiKeyIn(BaseModel):
    name: str
    role: str = RoleField


class NewApiKeyOut(ApiKeyOut):
    key: str = Field(description="The secret key. It is shown only in this answer.")


class UsersController(Controller):
    path = "/users"
    tags = ["access"]

    @get("/", summary="Users of the tenant")
    async def list(self, actor: Actor) -> list[UserOut]:
        return [UserOut(**u.public()) for u in await users.list_users(actor)]

    @post("/", summary="Create a user")
    async def create(self, actor: Actor, data: UserIn) -> UserOut:
        return UserOut(**(await users.create(actor, **data.model_dump())).public())

    @get("/{user_id:int}", summary="One user")
    async def show(self, actor: Actor, user_id: int) -> UserOut:
        return UserOut(**(await users.get(actor, user_id)).public())

    @patch("/{user_id:int}", summary="Change a user's name, role, language, password or active flag")
    async def update(self, actor: Actor, user_id: int, data: UserPatch) -> UserOut:
        return UserOut(**(await users.update(actor, user_id, **data.model_dump(exclude_none=True))).public())


class ApiKeysController(Controller):
    path = "/api-keys"
    tags = ["access"]

    @get("/", summary="API keys of the tenant (never their secrets)")
    async def list(self, actor: Actor) -> list[ApiKeyOut]:
        return [ApiKeyOut(**k.public()) for k in await auth.list_api_keys(actor)]

    @post("/", summary="Create an API key; the secret is in this answer only")
    async def create(self, actor: Actor, data: ApiKeyIn) -> NewApiKeyOut:
        new = await auth.create_api_key(actor, name=data.name, role=data.role)
        return NewApiKeyOut(**new.record.public(), key=new.key)

    @delete("/{key_id:int}", status_code=HTTP_200_OK, summary="Revoke an API key")
    async def revoke(self, actor: Actor, key_id: int) -> ApiKeyOut:
        return ApiKeyOut(**(await auth.revoke_api_key(actor, key_id)).public())
