"""Benchmark of PDF rendering: N acts rendered the naive way and the way Saldo does it.

    .venv/bin/python bench/pdf.py --n 100
    .venv/bin/python bench/pdf.py --n 200 --db postgres --json

It creates a fresh database (a temporary SQLite file, or a PostgreSQL database
``saldo_bench_pdf_<pid>`` that is dropped at the end), runs the migrations, and makes a
tenant with a VAT-paying seller entity, one client and N posted acts of 31 March 2026, each
with 3 service lines and 1 adjustment (inserted straight into the tables, as the day close
writes them). The HTML of every act is made with ``document_render`` (the core context and
the shipped ``act`` template) before anything is timed, then it times:

* **naive** — each act on its own, one after the other, in this process:
  ``weasyprint.HTML(string=page).write_pdf()`` on the page with its stylesheet inlined, so
  every document builds its own font configuration and parses the CSS again;
* **shared, one process** — the same, but through ``core.documents.pdf.render_many``: one
  ``FontConfiguration`` and the pre-parsed stylesheet reused for every document;
* **optimised** — ``document_render.render_all``: the same shared state, the pages split
  into one batch per worker of the process pool (as many workers as
  ``document_render.workers()``). The pool is started and warmed up (one page per
  worker) before the clock starts: the server keeps its pool.

Each method runs ``--repeat`` times, taking turns with the others so that all meet the same
load, and its fastest run counts. It prints documents per second for each and the ratios,
the CPU time per document (this process's, or the pool workers' from /proc), and checks
that every result is a PDF whose text has the act's number. Progress goes to stderr, the results to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
ISSUED = date(2026, 3, 31)
SELLER = {"name": "ООО «Облако»", "inn": "7707083893", "kpp": "773601001",
          "legal_address": "г. Москва, ул. Тверская, 1", "ogrn": "1027700132195", "bank_name": "АО «АЛЬФА-БАНК»",
          "bik": "044525593",
          "correspondent_account": "30101810200000000593", "settlement_account": "40702810502080001823",
          "director_name": "Иванов И. И.", "chief_accountant_name": "Петрова П. П.", "vat_status": "vat22",
          "tax_document": "none"}
LINES = [("Виртуальный сервер «Старт»", 1000, 310000), ("Резервное копирование, 50 ГБ", 2000, 60000),
         ("Дополнительный IPv4-адрес", 1000, 12200)]  # description, quantity_e3, total_minor (VAT 22 % included)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def seed(tenant_id: int, n: int) -> list[int]:
    """A seller, a client and N posted acts with their lines; returns the acts' ids."""
    from core.db import bulk
    from core.db.queries import documents as documents_q
    from core.db.tables import Document, DocumentLine
    from core.services import clients, sellers
    from core.services.actor import Actor
    from core.services.document_parties import buyer_party, seller_party

    actor = Actor.cli(tenant_id)
    seller = await sellers.create(actor, **SELLER)
    client = await clients.create(actor, type="legal", company_name="ООО «Фабрика Бизнеса»", email="buh@fabrika.ru",
                                  inn="7708305901", kpp="770801001", legal_address="г. Москва, ул. Ленина, 5")
    seller_json = documents_q.party(seller_party(seller, "Bench").__dict__)
    buyer_json = documents_q.party(buyer_party(client).__dict__)
    charged = sum(total for _, _, total in LINES)
    adjustment = -12200  # lowered the balance: raises the act's sum
    total = charged - adjustment
    vat = sum(t * 22 // 122 for _, _, t in LINES)
    rows = [{"tenant": tenant_id, "type": "act", "status": "posted", "seller_entity": seller.id, "client": client.id,
             "account": None, "number_series": "bench", "number": k, "number_text": f"А-{k:05d}", "form": "",
             "issue_date": ISSUED, "period_start": ISSUED.replace(day=1), "period_end": ISSUED, "currency": "RUB",
             "net_minor": total - vat, "vat_minor": vat, "total_minor": total, "seller": seller_json,
             "buyer": buyer_json, "source": "bench"} for k in range(1, n + 1)]
    ids = await bulk.insert_rows(Document, rows, returning_id=True)
    lines = []
    for document_id in ids:
        for position, (description, quantity_e3, line_total) in enumerate(LINES, 1):
            line_vat = line_total * 22 // 122
            lines.append({"tenant": tenant_id, "document": document_id, "position": position, "kind": "charge",
                          "description": description, "quantity_e3": quantity_e3, "unit": "мес.",
                          "unit_okei": "362", "unit_price_e4": line_total * 100_000 // quantity_e3,
                          "discount_minor": 0, "net_minor": line_total - line_vat, "vat_rate": "22",
                          "vat_minor": line_vat, "total_minor": line_total, "period_start": ISSUED.replace(day=1),
                          "period_end": ISSUED, "booked_on": None})
        lines.append({"tenant": tenant_id, "document": document_id, "position": len(LINES) + 1, "kind": "adjustment",
                      "description": "Перерасчёт за простой 12.03.2026", "quantity_e3": 0, "unit": "",
                      "unit_okei": "", "unit_price_e4": 0, "discount_minor": 0, "net_minor": 0, "vat_rate": "none",
                      "vat_minor": 0, "total_minor": adjustment, "period_start": None, "period_end": None,
                      "booked_on": date(2026, 3, 12)})
    await bulk.insert_rows(DocumentLine, lines)
    return ids


def _workers() -> list[int]:
    """The process ids of the render pool's workers (started by the warm-up)."""
    from core.services import document_render

    return list(document_render._pool._processes) if document_render._pool else []


def _cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far, from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _check(pdfs: list[bytes], numbers: list[str]) -> list[str]:
    """What is wrong with the PDFs: each must be a PDF whose text has its act's number."""
    from pypdf import PdfReader

    wrong = []
    for content, number in zip(pdfs, numbers):
        if not content.startswith(b"%PDF"):
            wrong.append(f"{number}: not a PDF")
        elif f"№ {number}" not in PdfReader(io.BytesIO(content)).pages[0].extract_text():
            wrong.append(f"{number}: the number is not in the text")
    return wrong + ([f"{len(pdfs)} PDFs for {len(numbers)} acts"] if len(pdfs) != len(numbers) else [])


async def measure(args) -> dict:
    import weasyprint

    from core.db.migrate import migrate
    from core.documents import pdf as pdf_engine
    from core.services import document_render, tenants

    await migrate()
    tenant = await tenants.create(slug=f"bench-pdf-{os.getpid()}", name="Bench tenant")
    t0 = time.monotonic()
    ids = await seed(tenant.id, args.n)
    log(f"seeded {args.n} acts in {time.monotonic() - t0:.1f}s")

    source = document_render.shipped_source("act")
    t0 = time.monotonic()
    browser_pages, pdf_pages, numbers = [], [], []
    for document_id in ids:
        variables = await document_render.context(tenant.id, document_id)
        numbers.append(variables["document"]["number"])
        inlined = variables | {"stylesheet": document_render.stylesheet()}
        browser_pages.append(document_render.render("act", source, inlined))
        pdf_pages.append(document_render.render("act", source, variables | {"stylesheet": ""}))
    html_seconds = time.monotonic() - t0
    log(f"made the HTML of {args.n} acts in {html_seconds:.1f}s")
    results = {"db": args.db, "n": args.n, "cores": os.cpu_count(), "workers": document_render.workers(),
               "html_docs_per_s": round(args.n / html_seconds, 1), "loadavg_1m_before": os.getloadavg()[0]}

    def naive() -> list[bytes]:
        return [weasyprint.HTML(string=page).write_pdf() for page in browser_pages]

    def shared() -> list[bytes]:
        return pdf_engine.render_many(pdf_pages)

    async def pooled() -> list[bytes]:
        return await document_render.render_all(pdf_pages)

    pdf_engine.render_pdf(pdf_pages[0])  # builds this process's shared state, as a worker does once
    await document_render.render_all(pdf_pages[:document_render.workers()])  # start and warm the pool
    workers = _workers()
    outputs, best = {}, {}
    for attempt in range(1, args.repeat + 1):  # the methods take turns, so each meets the same load
        for label, how in (("naive", naive), ("shared", shared), ("optimised", pooled)):
            log(f"run {attempt}/{args.repeat}: {label}")
            cpu = time.process_time(), _cpu(workers)
            t0 = time.monotonic()
            outputs[label] = await how() if asyncio.iscoroutinefunction(how) else how()
            wall = time.monotonic() - t0
            cpu_s = time.process_time() - cpu[0] + (_cpu(workers) - cpu[1] if label == "optimised" else 0)
            if label not in best or wall < best[label][0]:
                best[label] = (wall, cpu_s)
    for label, (wall, cpu_s) in best.items():
        results |= {f"{label}_s": round(wall, 2), f"{label}_docs_per_s": round(args.n / wall, 2),
                    f"{label}_cpu_ms_per_doc": round(cpu_s * 1000 / args.n)}
    document_render.shutdown()
    results["loadavg_1m_after"] = os.getloadavg()[0]
    results["shared_over_naive"] = round(results["shared_docs_per_s"] / results["naive_docs_per_s"], 2)
    results["optimised_over_naive"] = round(results["optimised_docs_per_s"] / results["naive_docs_per_s"], 2)
    results["wrong"] = [w for made in outputs.values() for w in _check(made, numbers)]
    results["pdf_kb"] = round(sum(len(p) for p in outputs["optimised"]) / args.n / 1024, 1)
    return results


async def run(args) -> dict:
    from piccolo.table import Table  # noqa: F401  (imported before the engine is chosen)

    from core.db.databases import postgres_admin, use_database, with_database

    folder = name = None
    if args.db == "sqlite":
        folder = tempfile.mkdtemp(prefix="saldo-bench-pdf-")
        use_database(f"sqlite:///{folder}/bench.sqlite")
    else:
        name = f"saldo_bench_pdf_{os.getpid()}"
        await postgres_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await postgres_admin(args.postgres_url, f'CREATE DATABASE "{name}"')
        use_database(with_database(args.postgres_url, name))
    try:
        return await measure(args)
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        if name:
            await postgres_admin(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _print(r: dict) -> None:
    print(f"PDF rendering, {r['n']} acts (3 lines + 1 adjustment each, {r['pdf_kb']} kB a PDF), {r['db']}, "
          f"{r['cores']} cores, {r['workers']} workers")
    print(f"  HTML (context + template)   {r['html_docs_per_s']:8.1f} docs/s (not in the figures below)")
    print(f"  (a) naive, sequential       {r['naive_docs_per_s']:8.2f} docs/s  ({r['naive_s']:.1f} s, "
          f"{r['naive_cpu_ms_per_doc']} CPU ms a doc)")
    print(f"      shared, one process     {r['shared_docs_per_s']:8.2f} docs/s  ({r['shared_s']:.1f} s, "
          f"{r['shared_cpu_ms_per_doc']} CPU ms a doc)  x{r['shared_over_naive']:.2f}")
    print(f"  (b) optimised, pool         {r['optimised_docs_per_s']:8.2f} docs/s  ({r['optimised_s']:.1f} s, "
          f"{r['optimised_cpu_ms_per_doc']} CPU ms a doc over the workers)  "
          f"x{r['optimised_over_naive']:.2f} over naive")
    print(f"  1-minute load average {r['loadavg_1m_before']:.2f} before, {r['loadavg_1m_after']:.2f} after")
    print(f"  check          {'OK' if not r['wrong'] else 'FAILED: ' + '; '.join(r['wrong'][:5])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="acts to render (default 100)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("SALDO_BENCH_POSTGRES_URL", DEFAULT_PG),
                        help="admin URL of the PostgreSQL server (a database is created and dropped on it)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each method; the fastest counts (default 3)")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON line")
    args = parser.parse_args()
    if args.n < 1:
        parser.error("--n must be positive")
    results = asyncio.run(run(args))
    print(json.dumps(results)) if args.json else _print(results)
    return 1 if results["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
