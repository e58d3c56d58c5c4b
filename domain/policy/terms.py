"""The domain's vocabulary for policy search: synonym groups and stop words, in zh and en.

Every word of a group is indexed and searched as the group's first word, so 押金, 保证金
and "deposit" meet; variant writings and common misspellings belong in the group too.
"""

from __future__ import annotations

# fmt: off
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("窜货", "串货", "窜卖", "跨区销售", "跨区域销售", "跨区", "倒货", "越区销售", "跨地区",
     "cross-region", "crossregion", "cross region", "across regions", "outside my region",
     "outside the region", "out of region", "divert", "diversion"),
    ("保证金", "押金", "保障金", "订金", "deposit", "security deposit", "guarantee money"),
    ("返利", "返点", "回扣", "返现", "rebate", "kickback", "cashback", "cash back"),
    ("最低终端售价", "最低终端销售价格", "最低零售价", "最低售价", "终端最低价", "价格底线",
     "卖低", "卖便宜", "卖得低", "卖得便宜", "低价销售", "低价卖", "压价", "砸价", "乱价",
     "sell below", "sell cheap", "undercut",
     "minimum terminal price", "minimum retail price", "price floor", "floor price",
     "lowest price", "minimum price"),
    ("最低中标价", "最低投标价", "中标底价", "minimum bid price", "lowest bid", "bid floor"),
    ("投标", "招投标", "招标", "竞标", "中标", "报价", "tender", "bid", "bidding"),
    ("罚款", "罚金", "处罚", "惩罚", "罚", "后果", "consequence", "consequences", "fine",
     "penalty", "penalize", "punish", "punishment"),
    ("没收", "扣除", "扣掉", "confiscate", "forfeit", "seize", "keep"),
    ("取消经销资格", "取消资格", "取消经销权", "取消代理", "cancel the dealership",
     "cancel dealership", "lose dealership", "lose my dealership", "terminate dealership"),
    ("终止供货", "停止供货", "停货", "断货", "stop supply", "stop supplying", "cut off supply",
     "suspend supply"),
    ("扣留货款", "扣货款", "扣款", "withhold payment", "withhold"),
    ("销售任务", "销售指标", "任务", "指标", "销售目标", "目标", "业绩目标", "target", "targets",
     "quota", "sales goal", "goal"),
    ("增长", "增加", "提高", "上涨", "涨", "多涨", "涨幅", "growth", "grow", "increase", "raise",
     "rise"),
    ("首年", "第一年", "头一年", "新经销商", "first year", "first-year", "newly signed",
     "new dealer"),
    ("考核", "评估", "考评", "评价", "考核指标", "assess", "assessed", "assessment", "evaluate",
     "evaluation", "review", "appraisal"),
    ("授权", "授权范围", "允许", "allowed", "allow", "permitted", "authorization", "authorized",
     "authorised", "authorize", "license"),
    ("区域", "地区", "片区", "辖区", "region", "regions", "territory", "area", "district"),
    ("终端", "销售终端", "医院", "门店", "terminal", "terminals", "hospital", "store", "outlet"),
    ("供货价", "供货价格", "进货价", "拿货价", "出厂价", "supply price", "purchase price",
     "wholesale price"),
    ("价格例外", "特价", "特价申请", "价格特批", "低价申请", "price exception", "special price",
     "exception"),
    ("售后", "售后服务", "维修", "保修", "退换货", "退货", "换货", "after-sales", "after sales",
     "aftersales", "repair", "warranty", "return", "returns", "exchange"),
    ("投诉", "抱怨", "客诉", "complaint", "complaints", "complain"),
    ("回访", "follow-up", "follow up", "followup", "revisit"),
    ("培训", "训练", "培训课程", "training", "train", "course", "coaching"),
    ("促销", "促销活动", "优惠活动", "打折活动", "promotion", "promotions", "promo", "campaign"),
    ("合同", "协议", "合约", "contract", "agreement"),
    ("发票", "开票", "开发票", "开具发票", "发票开具", "专票", "普票", "增值税发票", "invoice",
     "invoices", "invoicing", "fapiao", "vat invoice"),
    ("付款", "打款", "汇款", "回款", "结算", "账期", "payment", "pay", "paid", "remit",
     "settlement"),
    ("发货", "到货", "送货", "物流", "配送", "delivery", "deliver"),
    ("续签", "续约", "renew", "renewal"),
    ("合同期限", "期限", "几年", "签几年", "多少年", "how long", "how many years", "duration",
     "contract term"),
    ("解除", "终止合同", "解约", "退出", "terminate", "termination", "end the contract", "quit"),
    ("加盟费", "入门费", "franchise fee", "joining fee", "entry fee"),
    ("申请", "报名", "apply", "application"),
    ("招募", "招商", "招聘经销商", "recruit", "recruitment", "recruiting", "become a dealer",
     "join", "成为", "加入", "当经销商"),
    ("审批", "审核", "批准", "approve", "approval", "review process"),
    ("资格", "资质", "条件", "要求", "qualification", "qualifications", "requirement",
     "requirements", "eligible", "eligibility", "criteria"),
    ("保密", "秘密", "商业秘密", "泄露", "confidential", "confidentiality", "secret", "secrets",
     "disclose", "leak", "第三方", "third party", "third parties", "outsider"),
    ("报单", "报备", "上报", "report", "reporting", "reported"),
    ("库存", "存货", "stock", "inventory"),
    ("奖励", "奖金", "激励", "reward", "rewards", "bonus", "incentive", "incentives"),
    ("财务报表", "报表", "financial statements", "statements"),
    ("审计", "查账", "audit", "audits", "auditing"),
    ("挪用", "侵占", "misuse", "embezzle"),
    ("竞品", "竞争对手", "其他品牌", "别的品牌", "其它品牌", "别家", "competing brands",
     "competitor", "competitors", "competing", "other brands"),
    ("宣传资料", "样品", "广告", "brochure", "brochures", "samples", "advertising"),
    ("市场保护", "区域保护", "market protection", "protect my market", "protection"),
    ("违规", "违反", "违约", "violation", "violations", "breach", "break the rules"),
    ("48小时", "四十八小时", "两天", "48 hours", "48h", "two days"),
    ("30天", "三十天", "一个月", "30 days", "thirty days", "one month"),
    ("30%", "百分之三十", "三成", "30 percent", "thirty percent"),
    ("一年", "1年", "one year", "a year", "1 year", "12 months"),
    ("营销总监", "marketing director"),
    ("经销商", "代理商", "分销商", "dealer", "dealers", "distributor", "distributors"),
    ("公司", "厂家", "厂商", "总部", "贵公司", "company", "manufacturer", "headquarters"),
    ("销售", "卖", "卖货", "出货", "销量", "sale", "sales", "sell", "sold", "selling"),
    ("产品", "商品", "货品", "product", "products"),
    ("订单", "单子", "订货", "进货", "order", "orders", "purchase"),
    ("推广费用", "市场费用", "推广费", "marketing funds", "marketing fund", "promotion funds"),
    ("退还", "返还", "退回", "退", "退钱", "refund", "refunded", "refunds", "give back",
     "get back"),
    ("串通", "勾结", "collude", "collusion"),
    ("客户信息", "客户资料", "客户数据", "客户隐私", "customer information", "customer data",
     "customer info", "client information"),
    ("区域总经销", "总经销", "总代理", "区域总代理", "独家代理", "独家经销",
     "exclusive distributor", "exclusive regional distributor", "exclusive dealer", "exclusive"),
    ("上一年", "上年", "去年", "last year", "previous year", "prior year"),
    ("不能完成", "完不成", "未完成", "没完成", "达不到", "没达到", "cannot meet", "can not meet",
     "fail to meet", "miss", "missed", "not meet"),
    ("档案", "记录", "record", "records"),
    # The vocabulary of the headings of the company's own documents (经销商管理制度范文,
    # 公司经销商管理制度, 工作计划, …), so that English questions meet the Chinese text.
    ("权利", "权益", "rights", "right", "entitled", "entitlement"),
    ("义务", "职责", "责任", "obligation", "obligations", "duty", "duties", "responsibility",
     "responsibilities", "responsible"),
    ("费用", "cost", "costs", "fee", "fees", "expense", "expenses", "charge", "charges"),
    ("资金", "funds", "fund", "money", "capital"),
    ("价格", "price", "prices", "pricing"),
    ("业绩", "绩效", "performance", "results"),
    ("客户", "customer", "customers", "client", "clients"),
    ("支持", "support", "assistance"),
    ("沟通", "交流", "communication", "communicate", "contact", "keep in touch"),
    ("季度", "quarter", "quarterly"),
    ("策略", "营销策略", "strategy", "strategies", "marketing strategy"),
    ("虚假宣传", "夸大", "false advertising", "false claims", "exaggerate", "mislead"),
    ("坏账", "应收账款", "bad debt", "bad debts", "receivables"),
    ("服务", "service", "services"),
    ("筛选", "选择", "选拔", "select", "selection", "choose", "screen", "screening"),
    ("高端产品", "高端", "high-end", "premium"),
    ("中低端", "中低端产品", "low-end", "mid-range", "budget"),
    ("信誉", "商业信誉", "reputation", "credibility"),
    ("市场", "market", "markets"),
    ("平台", "微信群", "QQ群", "platform", "platforms", "chat group", "chat groups", "groups"),
    ("工作小组", "小组", "working group", "task force", "team"),
    ("提价", "加价", "raise the price", "mark up", "markup"),
    ("降价", "lower the price", "price cut", "discount", "discounts"),
    ("外部激励", "external incentive", "external incentives", "external"),
    ("内部激励", "internal incentive", "internal incentives", "internal"),
    ("处理", "handle", "handles", "handling", "deal with"),
)
# fmt: on

# Words that carry no meaning for retrieval (question words, particles, pronouns).
STOP_WORDS: frozenset[str] = frozenset(
    """
    的 了 吗 呢 吧 啊 呀 么 是 我 我们 你 你们 他 她 它 在 有 和 与 或 及 就 都 也 还 要 会 能
    可以 可 该 应该 怎么 怎样 怎么办 如何 什么 多少 哪些 哪个 哪 为什么 是否 是不是 请问 请 一下
    时候 多久 这 那 这个 那个 个 被 把 给 对 让 吗？ ？ 。 ， 、 ！ 想 知道 问 问题 需要 得
    ? , ! a an the is are was were be been being do does did doing i me my we our you your it
    its they them their what which who whom how when where why can could should would will shall
    may might must of to in on at by for with about from as into than then there this that these
    those and or if not no so please tell know want need get got any some much many have has had
    am s happen happens happened
    什么时候 啥时候 几时 啥 咋 咋办 怎么样 嘛 呗 哈 哦 喔 啦 哎 嗯 一般 通常 大概 大约
    请教 麻烦 问下 这是 那是 这样 那样 问一下 想问 想问下 能不能 可不可以 会不会 有没有
    是不是 能否 可否 一般来说 到底 究竟 具体
    usually generally normally exactly actually just
    """.split()  # noqa: SIM905
)

# Domain words jieba should keep whole (beyond the synonym groups).
# fmt: off
EXTRA_WORDS: tuple[str, ...] = (
    "经销合同", "销售终端", "产品线", "招商总监", "销售部经理", "营销管理部", "法定代表人",
    "信用等级", "市场份额", "客户满意度", "服务质量", "销售竞赛", "经销资格", "货款",
)
# fmt: on
