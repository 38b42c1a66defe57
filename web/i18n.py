"""Translations of the web UI: two complete dict catalogs (Russian, English) and the
template globals that use them.

Templates call ``t("key", name=value)``; the language comes from the template
context (``lang``) or, failing that, from the request: the ``?lang=`` parameter,
the ``saldo_lang`` cookie, the logged-in user's language, the tenant's language,
then the deployment default. Service error messages (English) are shown through
``error_text``, which translates the known ones.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from jinja2 import pass_context

LANGUAGES = ("ru", "en")
LANG_COOKIE = "saldo_lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600

RU: dict[str, str] = {
    "app.name": "Сальдо",
    "app.tagline": "Биллинг для облачных, SaaS- и хостинг-провайдеров",
    "lang.ru": "Русский",
    "lang.en": "English",
    "lang.switch": "Язык интерфейса",
    # navigation and layout
    "nav.dashboard": "Дашборд",
    "nav.users": "Пользователи",
    "nav.api_keys": "API-ключи",
    "nav.plugins": "Плагины",
    "nav.audit": "Журнал аудита",
    "nav.settings": "Настройки",
    "nav.main": "Основное меню",
    "layout.logout": "Выйти",
    "layout.business_date": "Бизнес-дата",
    "layout.signed_in_as": "Вы вошли как",
    "clock.real": "Реальное время",
    "clock.simulated": "Симуляция времени",
    # common words
    "common.save": "Сохранить",
    "common.cancel": "Отмена",
    "common.back": "Назад",
    "common.yes": "Да",
    "common.no": "Нет",
    "common.never": "никогда",
    "common.actions": "Действия",
    "common.status": "Статус",
    "common.name": "Название",
    "common.created": "Создан",
    "common.form_errors": "Исправьте ошибки в форме.",
    "common.read_only": "У вашей роли доступ только для просмотра.",
    "common.empty": "Пока ничего нет.",
    "common.saved": "Изменения сохранены.",
    # roles
    "role.owner": "Владелец",
    "role.admin": "Администратор",
    "role.manager": "Менеджер",
    "role.accountant": "Бухгалтер",
    "role.viewer": "Наблюдатель",
    # login
    "login.title": "Вход в Сальдо",
    "login.organisation": "Код организации",
    "login.organisation_hint": "Короткое имя вашей организации в Сальдо, например demo.",
    "login.email": "Электронная почта",
    "login.password": "Пароль",
    "login.submit": "Войти",
    "login.failed": "Неверный код организации, электронная почта или пароль.",
    "login.expired": "Форма входа устарела. Попробуйте ещё раз.",
    "login.logged_out": "Вы вышли из системы.",
    # dashboard
    "dashboard.title": "Дашборд",
    "dashboard.tenant": "Организация",
    "dashboard.code": "Код организации",
    "dashboard.clock": "Часы",
    "dashboard.business_date": "Бизнес-дата",
    "dashboard.now": "Текущее время организации",
    "dashboard.timezone": "Часовой пояс",
    "dashboard.currency": "Валюта",
    "dashboard.you": "Вы",
    "dashboard.role": "Роль",
    "dashboard.users": "Пользователи",
    "dashboard.users_active": "Активных пользователей",
    "dashboard.plugins": "Плагины",
    "dashboard.plugins_enabled": "Включено плагинов",
    "dashboard.recent": "Последние события",
    "dashboard.all_events": "Весь журнал",
    "dashboard.simulated_note": "Организация работает по симулированным часам: бизнес-дата сдвигается вручную.",
    # users
    "users.title": "Пользователи",
    "users.email": "Электронная почта",
    "users.name": "Имя",
    "users.role": "Роль",
    "users.language": "Язык",
    "users.language_default": "По умолчанию",
    "users.status": "Статус",
    "users.active": "Активен",
    "users.inactive": "Отключён",
    "users.last_login": "Последний вход",
    "users.password": "Пароль",
    "users.password_hint": "Не короче 10 символов.",
    "users.create": "Новый пользователь",
    "users.create_submit": "Создать пользователя",
    "users.edit": "Изменить",
    "users.edit_title": "Пользователь",
    "users.deactivate": "Отключить",
    "users.reactivate": "Включить снова",
    "users.deactivate_note": "Отключённый пользователь не может войти; его сеансы завершаются.",
    "users.created": "Пользователь создан.",
    "users.updated": "Пользователь изменён.",
    "users.deactivated": "Пользователь отключён.",
    "users.reactivated": "Пользователь снова включён.",
    "users.you": "это вы",
    # API keys
    "keys.title": "API-ключи",
    "keys.intro": "Ключи дают программам доступ к API Сальдо с правами выбранной роли.",
    "keys.name": "Название",
    "keys.prefix": "Префикс",
    "keys.role": "Роль",
    "keys.created": "Создан",
    "keys.last_used": "Последнее использование",
    "keys.revoked": "Отозван",
    "keys.active": "Действует",
    "keys.revoke": "Отозвать",
    "keys.revoke_confirm": "Отозвать ключ? Программы, которые им пользуются, потеряют доступ.",
    "keys.create": "Новый API-ключ",
    "keys.create_submit": "Создать ключ",
    "keys.created_title": "API-ключ создан",
    "keys.created_warning": "Скопируйте ключ сейчас: он показывается только один раз и нигде не хранится в открытом виде.",
    "keys.copy": "Копировать",
    "keys.copied": "Скопировано",
    "keys.done": "Готово, ключ сохранён",
    "keys.revoked_done": "Ключ отозван.",
    # plugins
    "plugins.title": "Плагины",
    "plugins.intro": "Установленные плагины и их состояние для вашей организации.",
    "plugins.plugin": "Плагин",
    "plugins.version": "Версия",
    "plugins.level": "Уровень",
    "plugins.level.tenant": "Организация",
    "plugins.level.global": "Платформа",
    "plugins.enabled": "Включён",
    "plugins.disabled": "Выключен",
    "plugins.always_on": "Всегда включён",
    "plugins.enable": "Включить",
    "plugins.disable": "Выключить",
    "plugins.configure": "Настроить",
    "plugins.settings": "Настройки плагина",
    "plugins.no_settings": "У этого плагина нет настроек.",
    "plugins.enabled_field": "Плагин включён для организации",
    "plugins.secret_saved": "Сохранено. Оставьте поле пустым, чтобы не менять.",
    "plugins.secret_hint": "Секретное значение: после сохранения не показывается.",
    "plugins.required": "обязательное поле",
    "plugins.saved": "Настройки плагина сохранены.",
    "plugins.enabled_done": "Плагин включён.",
    "plugins.disabled_done": "Плагин выключен.",
    "plugins.fix_to_enable": "Чтобы включить плагин, заполните его настройки.",
    "plugins.distribution": "Пакет",
    "plugins.choose": "— выберите —",
    # audit
    "audit.title": "Журнал аудита",
    "audit.intro": "Все изменения в организации: кто, что и когда сделал. Сначала новые.",
    "audit.at": "Время",
    "audit.actor": "Кто",
    "audit.action": "Действие",
    "audit.object": "Объект",
    "audit.changes": "Изменения",
    "audit.before": "Было",
    "audit.after": "Стало",
    "audit.details": "Подробнее",
    "audit.older": "Старше →",
    "audit.first_page": "В начало",
    "audit.actor.user": "пользователь",
    "audit.actor.api_key": "API-ключ",
    "audit.actor.cli": "командная строка",
    "audit.actor.system": "система",
    "action.tenant.create": "Создание организации",
    "action.tenant.update": "Изменение настроек организации",
    "action.tenant.clock": "Изменение часов",
    "action.user.create": "Создание пользователя",
    "action.user.update": "Изменение пользователя",
    "action.user.login": "Вход в систему",
    "action.user.logout": "Выход из системы",
    "action.api_key.create": "Создание API-ключа",
    "action.api_key.revoke": "Отзыв API-ключа",
    "action.plugin.configure": "Настройка плагина",
    "object.tenant": "Организация",
    "object.user": "Пользователь",
    "object.api_key": "API-ключ",
    "object.plugin": "Плагин",
    # settings
    "settings.title": "Настройки",
    "settings.tenant": "Организация",
    "settings.name": "Название организации",
    "settings.timezone": "Часовой пояс",
    "settings.timezone_hint": "Название по базе IANA, например Europe/Moscow.",
    "settings.language": "Язык организации",
    "settings.currency": "Валюта",
    "settings.currency_fixed": "Валюта задаётся при создании организации.",
    "settings.saved": "Настройки сохранены.",
    "settings.clock": "Часы организации",
    "settings.clock_intro": "Бизнес-дата определяет, за какой день выполняется закрытие дня. "
                            "В режиме симуляции дату можно задать и сдвигать вперёд: так удобно "
                            "проверять биллинг на несколько месяцев вперёд.",
    "settings.clock_mode": "Режим часов",
    "settings.clock_real": "Реальное время",
    "settings.clock_simulated": "Симуляция времени",
    "settings.clock_date": "Бизнес-дата симуляции",
    "settings.clock_set": "Применить",
    "settings.clock_saved": "Часы изменены.",
    "settings.advance": "Сдвинуть дату вперёд",
    "settings.advance_days": "Количество дней",
    "settings.advance_submit": "Сдвинуть",
    "settings.advance_note": "Доступно только в режиме симуляции.",
    "settings.current": "Сейчас",
    # errors
    "error.title": "Ошибка",
    "error.400": "Некорректный запрос.",
    "error.401": "Нужно войти в систему.",
    "error.403": "Недостаточно прав для этого действия.",
    "error.404": "Страница или объект не найдены.",
    "error.409": "Действие невозможно в текущем состоянии.",
    "error.422": "Данные не прошли проверку.",
    "error.500": "Внутренняя ошибка. Мы уже записали её в журнал.",
    "error.home": "На главную",
    "error.detail": "Подробности",
    # service messages, translated by error_text()
    "err.required": "обязательное поле",
    "err.not_empty": "не может быть пустым",
    "err.email": "это не адрес электронной почты",
    "err.email_taken": "пользователь с такой почтой уже есть",
    "err.password_short": "не короче 10 символов",
    "err.password_spaces": "не должен начинаться или заканчиваться пробелом",
    "err.role": "выберите роль из списка",
    "err.language": "выберите русский или английский",
    "err.timezone": "неизвестный часовой пояс",
    "err.last_owner": "нельзя понизить или отключить последнего владельца",
    "err.not_simulated": "организация работает по реальным часам; сначала включите симуляцию",
    "err.days": "не меньше 1 дня",
    "err.integer": "введите целое число",
    "err.number": "введите число",
    "err.date": "введите дату",
    "err.choice": "выберите значение из списка",
    "err.invalid": "недопустимое значение",
    "err.always_on": "этот плагин всегда включён",
    "err.no_settings": "у плагина нет настроек",
}

EN: dict[str, str] = {
    "app.name": "Saldo",
    "app.tagline": "Billing for cloud, SaaS and hosting providers",
    "lang.ru": "Русский",
    "lang.en": "English",
    "lang.switch": "Interface language",
    "nav.dashboard": "Dashboard",
    "nav.users": "Users",
    "nav.api_keys": "API keys",
    "nav.plugins": "Plugins",
    "nav.audit": "Audit log",
    "nav.settings": "Settings",
    "nav.main": "Main menu",
    "layout.logout": "Log out",
    "layout.business_date": "Business date",
    "layout.signed_in_as": "Signed in as",
    "clock.real": "Real time",
    "clock.simulated": "Simulated time",
    "common.save": "Save",
    "common.cancel": "Cancel",
    "common.back": "Back",
    "common.yes": "Yes",
    "common.no": "No",
    "common.never": "never",
    "common.actions": "Actions",
    "common.status": "Status",
    "common.name": "Name",
    "common.created": "Created",
    "common.form_errors": "Please correct the errors in the form.",
    "common.read_only": "Your role has read-only access.",
    "common.empty": "Nothing here yet.",
    "common.saved": "Changes saved.",
    "role.owner": "Owner",
    "role.admin": "Administrator",
    "role.manager": "Manager",
    "role.accountant": "Accountant",
    "role.viewer": "Viewer",
    "login.title": "Sign in to Saldo",
    "login.organisation": "Organisation code",
    "login.organisation_hint": "Your organisation's short name in Saldo, e.g. demo.",
    "login.email": "E-mail",
    "login.password": "Password",
    "login.submit": "Sign in",
    "login.failed": "Wrong organisation code, e-mail or password.",
    "login.expired": "The sign-in form has expired. Please try again.",
    "login.logged_out": "You have been logged out.",
    "dashboard.title": "Dashboard",
    "dashboard.tenant": "Organisation",
    "dashboard.code": "Organisation code",
    "dashboard.clock": "Clock",
    "dashboard.business_date": "Business date",
    "dashboard.now": "Organisation's current time",
    "dashboard.timezone": "Time zone",
    "dashboard.currency": "Currency",
    "dashboard.you": "You",
    "dashboard.role": "Role",
    "dashboard.users": "Users",
    "dashboard.users_active": "Active users",
    "dashboard.plugins": "Plugins",
    "dashboard.plugins_enabled": "Plugins enabled",
    "dashboard.recent": "Recent events",
    "dashboard.all_events": "Full log",
    "dashboard.simulated_note": "This organisation runs on a simulated clock: the business date is moved by hand.",
    "users.title": "Users",
    "users.email": "E-mail",
    "users.name": "Name",
    "users.role": "Role",
    "users.language": "Language",
    "users.language_default": "Default",
    "users.status": "Status",
    "users.active": "Active",
    "users.inactive": "Deactivated",
    "users.last_login": "Last sign-in",
    "users.password": "Password",
    "users.password_hint": "At least 10 characters.",
    "users.create": "New user",
    "users.create_submit": "Create user",
    "users.edit": "Edit",
    "users.edit_title": "User",
    "users.deactivate": "Deactivate",
    "users.reactivate": "Reactivate",
    "users.deactivate_note": "A deactivated user cannot sign in; their sessions are ended.",
    "users.created": "User created.",
    "users.updated": "User updated.",
    "users.deactivated": "User deactivated.",
    "users.reactivated": "User reactivated.",
    "users.you": "you",
    "keys.title": "API keys",
    "keys.intro": "Keys give programs access to the Saldo API with the rights of the chosen role.",
    "keys.name": "Name",
    "keys.prefix": "Prefix",
    "keys.role": "Role",
    "keys.created": "Created",
    "keys.last_used": "Last used",
    "keys.revoked": "Revoked",
    "keys.active": "Active",
    "keys.revoke": "Revoke",
    "keys.revoke_confirm": "Revoke this key? Programs using it will lose access.",
    "keys.create": "New API key",
    "keys.create_submit": "Create key",
    "keys.created_title": "API key created",
    "keys.created_warning": "Copy the key now: it is shown only once and is not stored in readable form.",
    "keys.copy": "Copy",
    "keys.copied": "Copied",
    "keys.done": "Done, I have saved the key",
    "keys.revoked_done": "Key revoked.",
    "plugins.title": "Plugins",
    "plugins.intro": "Installed plugins and their state for your organisation.",
    "plugins.plugin": "Plugin",
    "plugins.version": "Version",
    "plugins.level": "Level",
    "plugins.level.tenant": "Organisation",
    "plugins.level.global": "Platform",
    "plugins.enabled": "Enabled",
    "plugins.disabled": "Disabled",
    "plugins.always_on": "Always on",
    "plugins.enable": "Enable",
    "plugins.disable": "Disable",
    "plugins.configure": "Configure",
    "plugins.settings": "Plugin settings",
    "plugins.no_settings": "This plugin has no settings.",
    "plugins.enabled_field": "Plugin enabled for the organisation",
    "plugins.secret_saved": "Saved. Leave empty to keep it.",
    "plugins.secret_hint": "Secret value: not shown after saving.",
    "plugins.required": "required",
    "plugins.saved": "Plugin settings saved.",
    "plugins.enabled_done": "Plugin enabled.",
    "plugins.disabled_done": "Plugin disabled.",
    "plugins.fix_to_enable": "Fill in the plugin's settings to enable it.",
    "plugins.distribution": "Package",
    "plugins.choose": "— choose —",
    "audit.title": "Audit log",
    "audit.intro": "Every change in the organisation: who did what and when. Newest first.",
    "audit.at": "Time",
    "audit.actor": "Who",
    "audit.action": "Action",
    "audit.object": "Object",
    "audit.changes": "Changes",
    "audit.before": "Before",
    "audit.after": "After",
    "audit.details": "Details",
    "audit.older": "Older →",
    "audit.first_page": "Newest",
    "audit.actor.user": "user",
    "audit.actor.api_key": "API key",
    "audit.actor.cli": "command line",
    "audit.actor.system": "system",
    "action.tenant.create": "Organisation created",
    "action.tenant.update": "Organisation settings changed",
    "action.tenant.clock": "Clock changed",
    "action.user.create": "User created",
    "action.user.update": "User changed",
    "action.user.login": "Signed in",
    "action.user.logout": "Signed out",
    "action.api_key.create": "API key created",
    "action.api_key.revoke": "API key revoked",
    "action.plugin.configure": "Plugin configured",
    "object.tenant": "Organisation",
    "object.user": "User",
    "object.api_key": "API key",
    "object.plugin": "Plugin",
    "settings.title": "Settings",
    "settings.tenant": "Organisation",
    "settings.name": "Organisation name",
    "settings.timezone": "Time zone",
    "settings.timezone_hint": "An IANA name such as Europe/Moscow.",
    "settings.language": "Organisation language",
    "settings.currency": "Currency",
    "settings.currency_fixed": "The currency is set when the organisation is created.",
    "settings.saved": "Settings saved.",
    "settings.clock": "Organisation clock",
    "settings.clock_intro": "The business date decides which day the day close runs for. "
                            "On a simulated clock you set the date and move it forward, "
                            "which lets you check months of billing in minutes.",
    "settings.clock_mode": "Clock mode",
    "settings.clock_real": "Real time",
    "settings.clock_simulated": "Simulated time",
    "settings.clock_date": "Simulated business date",
    "settings.clock_set": "Apply",
    "settings.clock_saved": "Clock changed.",
    "settings.advance": "Move the date forward",
    "settings.advance_days": "Number of days",
    "settings.advance_submit": "Advance",
    "settings.advance_note": "Only on a simulated clock.",
    "settings.current": "Now",
    "error.title": "Error",
    "error.400": "Bad request.",
    "error.401": "Please sign in.",
    "error.403": "You are not allowed to do this.",
    "error.404": "Page or object not found.",
    "error.409": "This cannot be done in the current state.",
    "error.422": "The data did not pass validation.",
    "error.500": "Internal error. It has been logged.",
    "error.home": "Home",
    "error.detail": "Details",
    "err.required": "required",
    "err.not_empty": "must not be empty",
    "err.email": "is not an e-mail address",
    "err.email_taken": "a user with this e-mail already exists",
    "err.password_short": "at least 10 characters",
    "err.password_spaces": "must not start or end with a space",
    "err.role": "choose a role from the list",
    "err.language": "choose Russian or English",
    "err.timezone": "unknown time zone",
    "err.last_owner": "the last owner cannot be demoted or deactivated",
    "err.not_simulated": "the organisation runs on the real clock; switch to a simulated clock first",
    "err.days": "at least 1 day",
    "err.integer": "enter a whole number",
    "err.number": "enter a number",
    "err.date": "enter a date",
    "err.choice": "choose a value from the list",
    "err.invalid": "invalid value",
    "err.always_on": "this plugin is always on",
    "err.no_settings": "the plugin has no settings",
}

CATALOGS: dict[str, dict[str, str]] = {"ru": RU, "en": EN}

# Service and validation messages (English, from core.services and pydantic) → catalog keys.
# Matched on the start of the message, so messages with details still translate.
SERVICE_MESSAGES: tuple[tuple[str, str], ...] = (
    ("field required", "err.required"),
    ("missing", "err.required"),
    ("must not be empty", "err.not_empty"),
    ("is not an e-mail address", "err.email"),
    ("already exists", "err.email_taken"),
    ("must be at least", "err.password_short"),
    ("must not start or end with spaces", "err.password_spaces"),
    ("must be one of", "err.role"),
    ("must be ru or en", "err.language"),
    ("unknown time zone", "err.timezone"),
    ("last owner", "err.last_owner"),
    ("not simulated", "err.not_simulated"),
    ("must be at least 1", "err.days"),
    ("input should be a valid integer", "err.integer"),
    ("input should be a valid number", "err.number"),
    ("input should be a valid decimal", "err.number"),
    ("input should be a valid date", "err.date"),
    ("input should be", "err.invalid"),
    ("always on", "err.always_on"),
)


def translate(lang: str, key: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (falling back to Russian, then to the key itself)."""
    text = CATALOGS.get(lang, RU).get(key) or RU.get(key) or key
    return text.format(**values) if values else text


def error_text(lang: str, message: str) -> str:
    """A service's English field message in ``lang``; unknown messages are shown as they are."""
    lowered = message.strip().lower()
    if lowered == "must be at least 1":
        return translate(lang, "err.days")
    for prefix, key in SERVICE_MESSAGES:
        if lowered.startswith(prefix) or (len(prefix) > 12 and prefix in lowered):
            return translate(lang, key)
    return message


def normalize(lang: str | None) -> str | None:
    return lang if lang in LANGUAGES else None


def request_language(request) -> str:
    """The UI language for ``request``: ?lang=, the cookie, the user's, the tenant's, the default."""
    if lang := normalize(request.query_params.get("lang")):
        return lang
    if lang := normalize(request.cookies.get(LANG_COOKIE)):
        return lang
    principal = request.state.get("principal")
    if principal is not None and principal.user is not None and (lang := normalize(principal.user.language)):
        return lang
    if lang := normalize(request.state.get("tenant_language")):
        return lang
    settings = request.app.state.get("settings")
    return normalize(getattr(settings, "default_language", None)) or "ru"


def _context_language(context) -> str:
    lang = context.get("lang")
    if lang in LANGUAGES:
        return lang
    request = context.get("request")
    return request_language(request) if request is not None else "ru"


@pass_context
def _t(context, key: str, **values: object) -> str:
    return translate(_context_language(context), key, **values)


@pass_context
def _current_language(context) -> str:
    return _context_language(context)


@pass_context
def _t_or(context, key: str, default: str) -> str:
    """The text of ``key``, or ``default`` when the catalog has no such key (e.g. a plugin's audit action)."""
    return translate(_context_language(context), key) if key in RU else default


@pass_context
def _error_text(context, message: str) -> str:
    return error_text(_context_language(context), message)


@pass_context
def _choices(context, prefix: str, values) -> list[tuple[str, str]]:
    """(value, translated label) pairs for a select: ``choices("role.", roles)``."""
    lang = _context_language(context)
    return [(value, translate(lang, f"{prefix}{value}")) for value in values]


def _zone(context) -> ZoneInfo | None:
    tenant = context.get("tenant")
    try:
        return ZoneInfo(tenant.timezone) if tenant is not None else None
    except Exception:  # noqa: BLE001  (a broken zone must not break a page)
        return None


@pass_context
def _datetime(context, value: datetime | str | None) -> str:
    """An instant in the tenant's time zone: 23.11.2026 14:05 (ru) or 2026-11-23 14:05 (en)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None and (zone := _zone(context)) is not None:
        value = value.astimezone(zone)
    pattern = "%d.%m.%Y %H:%M" if _context_language(context) == "ru" else "%Y-%m-%d %H:%M"
    return value.strftime(pattern)


@pass_context
def _date(context, value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()
    return value.strftime("%d.%m.%Y" if _context_language(context) == "ru" else "%Y-%m-%d")


def _pretty_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


def install_template_globals(engine) -> None:
    """``TemplateConfig.engine_callback``: add ``t`` and the formatting filters to Jinja."""
    env = engine.engine
    env.globals["t"] = _t
    env.globals["t_or"] = _t_or
    env.globals["current_language"] = _current_language
    env.globals["languages"] = LANGUAGES
    env.globals["choices"] = _choices
    env.filters["error_text"] = _error_text
    env.filters["datetime"] = _datetime
    env.filters["date"] = _date
    env.filters["pretty_json"] = _pretty_json
