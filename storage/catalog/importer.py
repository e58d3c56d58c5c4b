"""Catalog imports, the storing part: check references, then upsert every row in one transaction.

A file is all-or-nothing: any error (from parsing or from a reference check here) stores
nothing. Rows are matched by their natural key (code, sku, dealer + period, ...), so importing
the same file twice changes nothing and a changed row updates the stored one. Rows absent from
the file are left alone: an import adds and corrects, it does not delete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from domain.catalog.import_kinds import BudgetRecord, ImportKind, RebateTierRecord, TargetRecord
from domain.catalog.imports import (
    ParsedImport,
    Problem,
    RowError,
    Table,
    parse_table,
    region_cycles,
)
from domain.catalog.model import (
    Authorization,
    Contract,
    Dealer,
    Manager,
    PricePolicy,
    Product,
    Region,
    Terminal,
)
from domain.deposits.model import NewEntry
from domain.deposits.services import open_balances
from domain.rebates.model import Program
from domain.rebates.rules import TableProblem, table_problems
from storage.deposits.repository import SqlDepositRepository
from storage.evaluation.repository import SqlEvaluationRepository
from storage.fees.repository import SqlFeeRepository
from storage.models import (
    AuthorizationRow,
    ContractRow,
    DealerRow,
    ManagerRegionRow,
    ManagerRow,
    PriceRow,
    ProductRow,
    PromotionRow,
    RegionRow,
    TargetRow,
    TerminalRow,
)
from storage.rebates.repository import SqlRebateRepository

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    kind: ImportKind
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_table(
    uow_factory,
    kind: ImportKind,
    table: Table,
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
) -> ImportResult:
    """Parse, check and store `table` as `kind`; commits only when every row is good (and
    never on a dry run, which reports what would change)."""
    parsed = parse_table(kind, table)
    with uow_factory() as uow:
        result = import_parsed(uow.session, parsed, progress)
        if result.ok and not dry_run:
            uow.commit()
    return result


def import_parsed(
    session: Session, parsed: ParsedImport, progress: Progress | None = None
) -> ImportResult:
    """Check and upsert already-parsed rows in `session` (the caller commits)."""
    importer = _Importer(session)
    errors = parsed.errors + importer.check(parsed.kind, parsed.records)
    result = ImportResult(parsed.kind, len(parsed.records) + _bad_rows(parsed.errors))
    if errors:
        result.errors = sorted(errors, key=lambda e: e.row)  # stable: columns stay in order
        return result
    apply = getattr(importer, f"apply_{parsed.kind.value}")
    for outcome in apply([r for _, r in parsed.records]):
        setattr(result, outcome, getattr(result, outcome) + 1)
        if progress:
            progress(1)
    session.flush()
    return result


def add_one(session: Session, kind: ImportKind, record: Any) -> str:
    """One record stored as a one-row file of `kind` would be (the caller commits);
    ValueError naming the problem when the import's check refuses it."""
    importer = _Importer(session)
    errors = importer.check(kind, [(1, record)])
    if errors:
        raise ValueError(f"{kind.value}: {errors[0].problem.value} {errors[0].params}")
    [outcome] = getattr(importer, f"apply_{kind.value}")([record])
    session.flush()
    return outcome


def _english(name_en: str) -> dict[str, str]:
    """An English name given is stored; none given (no column, empty cell) keeps the stored
    one, so a file written before English names existed does not erase them."""
    return {"name_en": name_en} if name_en else {}


def _bad_rows(errors: list[RowError]) -> int:
    return len({e.row for e in errors if e.row > 1})


class _Importer:
    def __init__(self, session: Session) -> None:
        self.s = session
        self._ids: dict[type, dict[str, int]] = {}

    # -- lookups ---------------------------------------------------------------------------

    def ids(self, model: type, column: str = "code") -> dict[str, int]:
        if model not in self._ids:
            col = getattr(model, column)
            self._ids[model] = {c: i for c, i in self.s.execute(select(col, model.id))}
        return self._ids[model]

    def region_parents(self) -> dict[str, str | None]:
        parent = aliased(RegionRow)
        rows = self.s.execute(
            select(RegionRow.code, parent.code).outerjoin(parent, RegionRow.parent_id == parent.id)
        )
        return {code: parent_code for code, parent_code in rows}

    def product_lines(self) -> set[str]:
        return set(self.s.scalars(select(ProductRow.line).distinct()))

    # -- reference checks ------------------------------------------------------------------

    def check(self, kind: ImportKind, records: list[tuple[int, Any]]) -> list[RowError]:
        errors: list[RowError] = []

        def need(row: int, column: str, value: str | None, known: Iterable[str], problem):
            if value is not None and value not in known:
                errors.append(RowError(row, column, problem, {"value": value}))

        regions = self.ids(RegionRow)
        if kind is ImportKind.REGIONS:
            parents = self.region_parents()
            parents.update({r.code: r.parent_code for _, r in records})
            for row, r in records:
                need(row, "parent_code", r.parent_code, parents, Problem.UNKNOWN_REGION)
            loops = region_cycles(parents, [r.code for _, r in records])
            for row, r in records:
                if r.code in loops:
                    cycle = " > ".join(loops[r.code])
                    errors.append(
                        RowError(row, "parent_code", Problem.REGION_CYCLE, {"cycle": cycle})
                    )
        elif kind is ImportKind.TERMINALS:
            for row, t in records:
                need(row, "region_code", t.region_code, regions, Problem.UNKNOWN_REGION)
        elif kind is ImportKind.PRICES:
            for row, p in records:
                need(row, "sku", p.sku, self.ids(ProductRow, "sku"), Problem.UNKNOWN_PRODUCT)
        elif kind in (ImportKind.CONTRACTS, ImportKind.TARGETS):
            for row, c in records:
                need(row, "dealer_code", c.dealer_code, self.ids(DealerRow), Problem.UNKNOWN_DEALER)
        elif kind is ImportKind.DEPOSITS:
            for row, e in records:
                need(row, "dealer_code", e.dealer, self.ids(DealerRow), Problem.UNKNOWN_DEALER)
        elif kind is ImportKind.AUTHORIZATIONS:
            lines = self.product_lines()
            for row, a in records:
                need(row, "dealer_code", a.dealer_code, self.ids(DealerRow), Problem.UNKNOWN_DEALER)
                need(row, "region_code", a.region_code, regions, Problem.UNKNOWN_REGION)
                need(
                    row,
                    "terminal_code",
                    a.terminal_code,
                    self.ids(TerminalRow),
                    Problem.UNKNOWN_TERMINAL,
                )
                need(row, "line", a.line, lines, Problem.UNKNOWN_LINE)
        elif kind is ImportKind.MANAGERS:
            lines = self.product_lines()
            for row, m in records:
                for code in m.region_codes:
                    need(row, "region_codes", code, regions, Problem.UNKNOWN_REGION)
                for line in m.lines:
                    need(row, "lines", line, lines, Problem.UNKNOWN_LINE)
        elif kind is ImportKind.REBATES:
            errors.extend(self._check_rebates(records, regions, need))
        elif kind is ImportKind.BUDGETS:
            lines = self.product_lines()
            promotions = {str(i) for i in self.s.scalars(select(PromotionRow.id))}
            for row, b in records:
                need(row, "region_code", b.region_code, regions, Problem.UNKNOWN_REGION)
                need(row, "line", b.line, lines, Problem.UNKNOWN_LINE)
                promo = str(b.promotion_id) if b.promotion_id else None
                need(row, "promotion_id", promo, promotions, Problem.UNKNOWN_PROMOTION)
        elif kind is ImportKind.MARKET_SIZES:
            lines = self.product_lines()
            for row, m in records:
                need(row, "region_code", m.region, regions, Problem.UNKNOWN_REGION)
                need(row, "line", m.line, lines, Problem.UNKNOWN_LINE)
        return errors

    def _check_rebates(self, records, regions, need) -> list[RowError]:
        """Scope codes known; per program one period, basis and scope, and a tier table
        without gaps or overlaps (each problem names both rows)."""
        lines = self.product_lines()
        for row, r in records:
            for line in r.scope.lines:
                need(row, "scope", line, lines, Problem.UNKNOWN_LINE)
            for region in r.scope.regions:
                need(row, "scope", region, regions, Problem.UNKNOWN_REGION)
        errors: list[RowError] = []
        programs: dict[tuple, list[tuple[int, Any]]] = {}
        for row, r in records:
            programs.setdefault((r.program, str(r.period)), []).append((row, r))
        table = {
            TableProblem.GAP: Problem.TIER_GAP,
            TableProblem.OVERLAP: Problem.TIER_OVERLAP,
            TableProblem.EMPTY: Problem.TIER_EMPTY,
        }
        for (program, _), rows in programs.items():
            first_row, first = rows[0]
            for row, r in rows[1:]:
                if (r.basis, r.scope) != (first.basis, first.scope):
                    errors.append(
                        RowError(
                            row,
                            "basis",
                            Problem.PROGRAM_MISMATCH,
                            {"program": program, "first_row": first_row},
                        )
                    )
            for row, problem, other in table_problems([(row, r.tier) for row, r in rows]):
                errors.append(
                    RowError(
                        row, "tier_from", table[problem], {"program": program, "other_row": other}
                    )
                )
        return errors

    # -- upserts: each yields "created", "updated" or "unchanged" per record -----------------

    def _existing(self, model: type, key: Callable[[Any], tuple]) -> dict[tuple, Any]:
        return {key(row): row for row in self.s.scalars(select(model))}

    def _upsert(self, model: type, existing: dict, key: tuple, values: dict[str, Any]) -> str:
        row = existing.get(key)
        if row is None:
            row = model(**values)
            self.s.add(row)
            existing[key] = row
            return "created"
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        for k, v in changed.items():
            setattr(row, k, v)
        return "updated" if changed else "unchanged"

    def apply_regions(self, records: list[Region]):
        parents = self.region_parents()
        existing = self._existing(RegionRow, lambda r: (r.code,))
        outcomes = []
        for r in records:
            row = existing.get((r.code,))
            if row is None:
                existing[(r.code,)] = row = RegionRow(code=r.code, name=r.name, name_en=r.name_en)
                self.s.add(row)
                outcomes.append("created")
            elif (row.name, row.name_en, parents.get(r.code)) != (
                r.name,
                r.name_en or row.name_en,
                r.parent_code,
            ):
                row.name, row.name_en = r.name, r.name_en or row.name_en
                outcomes.append("updated")
            else:
                outcomes.append("unchanged")
        self.s.flush()  # ids for regions new in this file, so parents may come later
        by_code = {code: row for (code,), row in existing.items()}
        for r in records:
            by_code[r.code].parent_id = by_code[r.parent_code].id if r.parent_code else None
        yield from outcomes

    def apply_terminals(self, records: list[Terminal]):
        regions = self.ids(RegionRow)
        existing = self._existing(TerminalRow, lambda t: (t.code,))
        for t in records:
            values = {
                "code": t.code,
                "name": t.name,
                "region_id": regions[t.region_code],
                **_english(t.name_en),
            }
            yield self._upsert(TerminalRow, existing, (t.code,), values)

    def apply_products(self, records: list[Product]):
        existing = self._existing(ProductRow, lambda p: (p.sku,))
        for p in records:
            values = {
                "sku": p.sku,
                "name": p.name,
                "line": p.line,
                "aliases": "|".join(p.aliases),
                **_english(p.name_en),
            }
            yield self._upsert(ProductRow, existing, (p.sku,), values)

    def apply_prices(self, records: list[PricePolicy]):
        products = self.ids(ProductRow, "sku")
        existing = self._existing(PriceRow, lambda p: (p.product_id, p.valid_from))
        for p in records:
            values = {
                "product_id": products[p.sku],
                "supply_price": p.supply_price,
                "min_terminal_price": p.min_terminal_price,
                "min_bid_price": p.min_bid_price,
                "valid_from": p.validity.valid_from,
                "valid_to": p.validity.valid_to,
            }
            yield self._upsert(PriceRow, existing, (products[p.sku], p.validity.valid_from), values)

    def apply_dealers(self, records: list[Dealer]):
        existing = self._existing(DealerRow, lambda d: (d.code,))
        for d in records:
            values = {
                "code": d.code,
                "name": d.name,
                "legal_rep": d.legal_rep,
                "phone": d.phone,
                "tier": d.tier,
                "credit_rating": d.credit_rating,
                "deposit": d.deposit,
                "since": d.since,
            }
            yield self._upsert(DealerRow, existing, (d.code,), values)
        # The deposit a new dealer's record says was paid opens its ledger (once: after
        # that the ledger, not the record, is the truth).
        self.s.flush()
        open_balances(
            SqlDepositRepository(self.s),
            ((d.code, d.deposit, d.since or date.today()) for d in records),
            datetime.now(UTC),
        )

    def apply_deposits(self, records: list[NewEntry]):
        ledger = SqlDepositRepository(self.s)
        now = datetime.now(UTC)
        for entry in records:
            yield "created" if ledger.append(entry, now) is not None else "unchanged"

    def apply_rebates(self, records: list[RebateTierRecord]):
        repo = SqlRebateRepository(self.s)
        programs: dict[tuple, list[RebateTierRecord]] = {}
        for r in records:
            programs.setdefault((r.program, str(r.period)), []).append(r)
        for rows in programs.values():
            first = rows[0]
            tiers = tuple(sorted((r.tier for r in rows), key=lambda t: t.lower))
            program = Program(0, first.program, first.period, first.basis, first.scope, tiers)
            _, created = repo.save_program(program)
            for _ in rows:
                yield "created" if created else "updated"

    def apply_budgets(self, records: list[BudgetRecord]):
        repo = SqlFeeRepository(self.s)
        now = datetime.now(UTC)
        known = {(b.period, b.region, b.line, b.promotion_id): b.amount for b in repo.budgets()}
        for r in records:
            key = (str(r.period), r.region_code, r.line, r.promotion_id)
            if known.get(key) == r.amount:
                yield "unchanged"
                continue
            _, created = repo.save_budget(*key, r.amount, now)
            yield "created" if created else "updated"

    def apply_market_sizes(self, records: list):
        yield from SqlEvaluationRepository(self.s).add_market_sizes(records)

    def apply_contracts(self, records: list[Contract]):
        dealers = self.ids(DealerRow)
        existing = self._existing(ContractRow, lambda c: (c.dealer_id, c.start))
        for c in records:
            values = {
                "dealer_id": dealers[c.dealer_code],
                "start": c.start,
                "end": c.end,
                "annual_target": c.annual_target,
                "deposit": c.deposit,
                "franchise_fee": c.franchise_fee,
            }
            yield self._upsert(ContractRow, existing, (values["dealer_id"], c.start), values)

    def apply_authorizations(self, records: list[Authorization]):
        dealers, regions, terminals = (
            self.ids(DealerRow),
            self.ids(RegionRow),
            self.ids(TerminalRow),
        )
        existing = self._existing(
            AuthorizationRow, lambda a: (a.dealer_id, a.region_id, a.terminal_id, a.line)
        )
        for a in records:
            values = {
                "dealer_id": dealers[a.dealer_code],
                "region_id": regions[a.region_code] if a.region_code else None,
                "terminal_id": terminals[a.terminal_code] if a.terminal_code else None,
                "line": a.line,
                "valid_from": a.validity.valid_from,
                "valid_to": a.validity.valid_to,
            }
            key = (values["dealer_id"], values["region_id"], values["terminal_id"], a.line)
            yield self._upsert(AuthorizationRow, existing, key, values)

    def apply_targets(self, records: list[TargetRecord]):
        dealers = self.ids(DealerRow)
        existing = self._existing(TargetRow, lambda t: (t.dealer_id, t.period))
        for t in records:
            values = {
                "dealer_id": dealers[t.dealer_code],
                "period": str(t.period),
                "amount": t.amount,
            }
            yield self._upsert(TargetRow, existing, (values["dealer_id"], str(t.period)), values)

    def apply_managers(self, records: list[Manager]):
        regions = self.ids(RegionRow)
        existing = self._existing(ManagerRow, lambda m: (m.code,))
        for m in records:
            outcome = self._upsert(
                ManagerRow,
                existing,
                (m.code,),
                {"code": m.code, "name": m.name, "role": m.role.value, "lines": "|".join(m.lines)},
            )
            row = existing[(m.code,)]
            wanted = [regions[c] for c in m.region_codes]
            have = {mr.region_id for mr in row.regions}
            if have != set(wanted):
                # keep the rows that stay: re-adding the same key would collide in the flush
                keep = [mr for mr in row.regions if mr.region_id in wanted]
                row.regions = keep + [
                    ManagerRegionRow(region_id=rid) for rid in wanted if rid not in have
                ]
                outcome = "updated" if outcome == "unchanged" else outcome
            yield outcome
