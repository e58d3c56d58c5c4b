"""Sales reports in the details: a late report's day, a sentence without one, form buttons
left from an earlier question, two workers confirming one draft, and who hears of
cross-region selling (SQLite, PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from storage.sales.models import SaleDraftRow, SaleRow
from tests.integration.sales import test_sales_reporting as reporting
from tests.integration.sales.test_sales_reporting import count, linked, outbox_texts

# The same world as the main reporting tests: their fixtures, shared by name.
conv, dealer, boss = reporting.conv, reporting.dealer, reporting.boss


def test_cross_region_selling_is_also_told_to_the_managers_of_the_terminals_region(
    conv, dealer, boss, uow_factory, clock
):
    sh_boss = linked(conv, uow_factory, clock, "sh-boss", manager="M03")  # manages SH only
    dealer.say("/report A100 1 3000 T-0012")  # D001 (Sichuan) sells into Shanghai
    [told] = outbox_texts(uow_factory, sh_boss.user_id)
    assert "窜货提醒" in told and "华西医疗（D001）" in told and "瑞金医院（T-0012）" in told
    with uow_factory() as uow:
        [item] = [i for i in uow.outbox.list() if i.chat_id == sh_boss.user_id]
    assert not item.payload.get("buttons")  # information only: the decision is not theirs
    assert len(outbox_texts(uow_factory, boss.user_id)) == 1  # the dealer's own manager decides
    dealer.say("/report A100 1 3000 T-0001")  # inside Sichuan: nothing for Shanghai
    assert len(outbox_texts(uow_factory, sh_boss.user_id)) == 1


def test_a_button_left_from_an_earlier_question_is_refused_not_taken_as_the_answer(
    dealer, uow_factory
):
    dealer.say("/report")
    old = dict(dealer.buttons())["超声诊断仪 A100 (A100)"]
    dealer.press("A100")  # the form now asks for the quantity
    answer = dealer.say(payload=old)
    assert "这个按钮属于之前的问题" in answer and "数量" in answer
    dealer.say("2")  # the quantity is still what the form waits for
    dealer.say("3500")
    dealer.press("华西医院")
    assert "#1" in dealer.press("确认")
    with uow_factory() as uow:
        assert uow.session.scalar(select(SaleRow.qty)) == 2


def test_an_untagged_form_button_still_answers_the_open_question(dealer, uow_factory):
    dealer.say("/report")
    assert "数量" in dealer.say(payload="f:A100")


def test_a_sentence_saying_last_month_is_asked_for_its_day_not_dated_today(dealer, uow_factory):
    answer = dealer.say("上个月给华西医院卖了2台A100，单价3500")
    assert "“上个月”是哪一天" in answer and "/report" in answer
    assert count(uow_factory, SaleDraftRow) == 0 and count(uow_factory, SaleRow) == 0
    dealer.say("6月3日给华西医院卖了2台A100，单价3500")  # the same sale with its day
    with uow_factory() as uow:
        (data,) = uow.session.scalars(select(SaleDraftRow.data)).all()
    assert data["sold_on"] == "2026-06-03"


def test_a_late_report_names_its_day_last(dealer, uow_factory):
    assert "#1" in dealer.say("/report A100 2 3500 T-0001 2026-07-10")
    assert "#2" in dealer.say("/report A100 1 3500 T-0001 昨天")
    assert "不能晚于今天" in dealer.say("/report A100 1 3500 T-0001 2026-07-18")
    dealer.say("/report A100 3 3500 2026-07-01")  # no terminal: the form asks for it
    dealer.press("华西医院")
    assert "#3" in dealer.press("确认")
    with uow_factory() as uow:
        days = uow.session.execute(select(SaleRow.qty, SaleRow.sold_on).order_by(SaleRow.id))
        assert [(q, d.isoformat()) for q, d in days] == [
            (2, "2026-07-10"),
            (1, "2026-07-16"),
            (3, "2026-07-01"),
        ]


def test_two_workers_confirming_the_same_draft_at_once_record_one_sale(dealer, uow_factory):
    import threading

    from handlers.core.messages import Inbound

    dealer.say("给华西医院卖了2台A100，单价3500")
    confirm = dict(dealer.buttons())["确认"]
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def tap(n: int) -> None:
        barrier.wait()
        replies = dealer.conversation.handle(
            Inbound("console", "d1", "d1", payload=confirm, dedupe_key=f"tap:{n}")
        )
        answers.append(" ".join(r.text for r in replies))

    threads = [threading.Thread(target=tap, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count(uow_factory, SaleRow) == 1
    with uow_factory() as uow:  # the loser may have drawn the first number from the sequence
        number = uow.session.scalar(select(SaleRow.id))
    assert len(answers) == 2 and all(f"#{number}" in a for a in answers), answers


def test_the_guided_form_takes_the_day_of_a_late_sale_at_the_confirmation(
    dealer, uow_factory, clock
):
    from datetime import timedelta

    today = clock.now().date()  # 2026-07-17 in Shanghai as in UTC here
    dealer.say("/report")
    dealer.press("A100")
    dealer.say("2")
    dealer.say("3500")
    first = dealer.press("华西医院")
    assert "如果不是今天卖出的，请发送销售日期" in first
    assert "日期不能晚于今天" in dealer.say(str(today + timedelta(days=1)))  # the form stays
    assert "只能上报 366 天以内的销售" in dealer.say("2020-01-01")
    again = dealer.say("昨天")
    assert "2026年7月16日" in again and "请确认" in again  # asked again with the new day
    assert "#1" in dealer.press("确认")
    with uow_factory() as uow:
        assert uow.session.scalar(select(SaleRow.sold_on)) == today - timedelta(days=1)
    assert count(uow_factory, SaleRow) == 1
