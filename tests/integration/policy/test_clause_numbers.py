"""/clause with a number the answer did not offer says so, instead of "the clause is gone"."""

from __future__ import annotations

from tests.integration.policy.test_policy_qa import world  # noqa: F401  (fixture)


def test_a_clause_number_the_answer_did_not_offer_is_named_as_such(world):  # noqa: F811
    _, dealer, _ = world
    dealer.say("/ask 窜货了会被怎么处罚？")
    qid = next(p for _, p in dealer.buttons() if p.startswith("c:clause ")).split()[1]
    assert "《经销商管理政策》" in dealer.say(f"/clause {qid} 1")
    reply = dealer.say(f"/clause {qid} 9")
    assert f"问题 Q{qid} 的回答没有第 9 个推荐条款" in reply
    assert "不在当前的政策文件中" not in reply
