"""The duplicate guard, missing documents, the default term, dealer codes and the filing."""

from datetime import UTC, date, datetime
from decimal import Decimal

from domain.catalog.model import Dealer, DealerCode, ProductLine, RegionCode, TerminalCode
from domain.onboarding.model import (
    Application,
    ApplicationState,
    ContractTerms,
    Details,
    DocumentKind,
    parse_application_number,
)
from domain.onboarding.rules import (
    Clash,
    TermsProblem,
    default_end,
    document,
    duplicates,
    filing,
    missing_documents,
    next_dealer_code,
    terms_problem,
)

NOW = datetime(2026, 7, 17, 9, 0, tzinfo=UTC)


def details(name="成都康远医疗器械有限公司", code="91350100M000100Y43") -> Details:
    return Details(
        name,
        code,
        "张三",
        "李四",
        "13800138000",
        Decimal("5000000"),
        25,
        "成都 30 家医院",
        (RegionCode("SC"),),
        (ProductLine("IMG"),),
        "华西医院",
        "看好影像",
    )


def application(id_, state, d=None, dealer=None) -> Application:
    return Application(id_, d or details(), state, "anonymous", None, None, NOW, dealer=dealer)


def test_same_name_as_a_dealer_is_flagged_whatever_the_width_and_spacing():
    dealers = [Dealer(DealerCode("D001"), "成都康远医疗器械有限公司 ")]
    [dup] = duplicates(details(name="成都康远医疗器械有限公司"), dealers, [])
    assert (dup.clash, dup.ref) == (Clash.DEALER_NAME, "D001")


def test_same_credit_code_as_an_open_application_is_flagged_and_a_rejected_one_is_not():
    other = details(name="另一家公司")
    open_ = application(3, ApplicationState.REVIEW, other)
    rejected = application(4, ApplicationState.REJECTED, other)
    [dup] = duplicates(details(), [], [open_, rejected])
    assert (dup.clash, dup.ref) == (Clash.APPLICATION_CODE, "AP-00003")


def test_same_name_as_a_returned_application_is_flagged_but_not_the_application_itself():
    mine = application(5, ApplicationState.RETURNED, details(code="91110000600037341L"))
    theirs = application(6, ApplicationState.RETURNED, details(code="911100007109288314"))
    found = duplicates(details(), [], [mine, theirs], itself=5)
    assert [(d.clash, d.ref) for d in found] == [(Clash.APPLICATION_NAME, "AP-00006")]


def test_a_filed_application_with_the_code_names_its_dealer():
    filed = application(2, ApplicationState.FILED, details(name="旧名"), DealerCode("D007"))
    [dup] = duplicates(details(), [], [filed])
    assert (dup.clash, dup.ref) == (Clash.DEALER_CODE, "D007")


def test_nothing_in_common_is_no_duplicate():
    assert duplicates(details(), [Dealer(DealerCode("D001"), "华西医疗")], []) == []


def test_missing_documents_are_named_in_the_required_order():
    licence = document(DocumentKind.BUSINESS_LICENCE, "l.jpg", "image/jpeg", b"x")
    required = [DocumentKind.BUSINESS_LICENCE, DocumentKind.QUALIFICATION]
    assert missing_documents([], required) == required
    assert missing_documents([licence], required) == [DocumentKind.QUALIFICATION]


def test_a_document_keeps_its_size_and_sha256():
    doc = document(DocumentKind.QUALIFICATION, "q.pdf", "application/pdf", b"abc")
    assert doc.size == 3
    assert doc.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_a_one_year_term_ends_the_day_before_the_anniversary():
    assert default_end(date(2026, 8, 10), 12) == date(2027, 8, 9)
    assert default_end(date(2026, 1, 1), 12) == date(2026, 12, 31)
    assert default_end(date(2028, 2, 29), 12) == date(2029, 2, 27)
    assert default_end(date(2026, 11, 30), 3) == date(2027, 2, 27)


def test_dealer_codes_count_on_from_the_highest_of_the_prefix():
    assert next_dealer_code("D", ["D001", "D002", "X9", "D010"]) == "D011"
    assert next_dealer_code("NEW-", []) == "NEW-001"
    assert next_dealer_code("D", ["D1234"]) == "D1235"


def terms(**kw) -> ContractTerms:
    base = dict(
        start=date(2026, 8, 1),
        end=date(2027, 7, 31),
        annual_target=Decimal("1000000"),
        deposit=Decimal("50000"),
        franchise_fee=Decimal("8000"),
        regions=(RegionCode("SC"),),
        terminals=(TerminalCode("T-0012"),),
        lines=(ProductLine("IMG"), ProductLine("MON")),
    )
    base.update(kw)
    return ContractTerms(**base)


def test_terms_problems_are_named():
    assert terms_problem(terms()) is None
    assert terms_problem(terms(end=date(2026, 8, 1))) is TermsProblem.END_BEFORE_START
    assert terms_problem(terms(regions=(), terminals=())) is TermsProblem.NO_TERRITORY
    assert terms_problem(terms(lines=())) is TermsProblem.NO_LINES


def test_filing_creates_the_dealer_its_contract_and_every_line_in_every_place():
    app = application(1, ApplicationState.REVIEW)
    from dataclasses import replace

    plan = filing(replace(app, terms=terms()), DealerCode("D003"))
    assert (plan.dealer.code, plan.dealer.name, plan.dealer.legal_rep) == (
        "D003",
        "成都康远医疗器械有限公司",
        "张三",
    )
    assert plan.dealer.since == date(2026, 8, 1) and plan.dealer.phone == "13800138000"
    assert (plan.contract.deposit, plan.contract.end) == (Decimal("50000"), date(2027, 7, 31))
    places = sorted((a.region_code or a.terminal_code, a.line) for a in plan.authorizations)
    assert places == [("SC", "IMG"), ("SC", "MON"), ("T-0012", "IMG"), ("T-0012", "MON")]
    assert all(a.validity.valid_to == date(2027, 7, 31) for a in plan.authorizations)


def test_application_numbers_read_back():
    assert parse_application_number("AP-00012") == 12
    assert parse_application_number("ap12") == 12
    assert parse_application_number("12") == 12
    assert parse_application_number("x") is None
