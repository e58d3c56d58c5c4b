"""Demo data: a small but realistic catalog, stored through the same path as a file import,
and the sample dealer policy for Q&A (its history of sales, violations, tickets and a
promotion: bot/demo_history.py).

The tables below are written as the CSV a user would import, so they double as examples of
every import format. Seeding twice changes nothing (imports are idempotent by natural key).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from bot.spreadsheets import read_table
from domain.catalog.import_kinds import ImportKind
from domain.catalog.imports import parse_table
from domain.shared.money import to_money
from storage.catalog.importer import ImportResult, import_parsed
from storage.models import DealerRow, RegionRow

DEMO_DEALER = "D001"
DEMO_MANAGER = "M002"

REGIONS = """code,name,parent_code,name_en
CN,中国,,China
CN-E,华东大区,CN,East China
CN-W,西南大区,CN,Southwest China
CN-SH,上海市,CN-E,Shanghai
CN-JS,江苏省,CN-E,Jiangsu
CN-ZJ,浙江省,CN-E,Zhejiang
CN-SC,四川省,CN-W,Sichuan
CN-CQ,重庆市,CN-W,Chongqing
CN-YN,云南省,CN-W,Yunnan
CN-SH-HP,黄浦区,CN-SH,Huangpu District
CN-SH-XH,徐汇区,CN-SH,Xuhui District
CN-JS-NJ,南京市,CN-JS,Nanjing
CN-JS-SZ,苏州市,CN-JS,Suzhou
CN-ZJ-HZ,杭州市,CN-ZJ,Hangzhou
CN-ZJ-NB,宁波市,CN-ZJ,Ningbo
CN-SC-CD,成都市,CN-SC,Chengdu
CN-SC-MY,绵阳市,CN-SC,Mianyang
CN-CQ-YZ,渝中区,CN-CQ,Yuzhong District
CN-YN-KM,昆明市,CN-YN,Kunming
"""

TERMINALS = """code,name,region_code,name_en
T-0001,华西医院,CN-SC-CD,West China Hospital
T-0002,四川省人民医院,CN-SC-CD,Sichuan Provincial People's Hospital
T-0003,绵阳市中心医院,CN-SC-MY,Mianyang Central Hospital
T-0004,重庆医科大学附属第一医院,CN-CQ-YZ,First Affiliated Hospital of Chongqing Medical University
T-0005,昆明医科大学第一附属医院,CN-YN-KM,First Affiliated Hospital of Kunming Medical University
T-0006,瑞金医院,CN-SH-HP,Ruijin Hospital
T-0007,中山医院,CN-SH-XH,Zhongshan Hospital
T-0008,江苏省人民医院,CN-JS-NJ,Jiangsu Province Hospital
T-0009,苏州大学附属第一医院,CN-JS-SZ,First Affiliated Hospital of Soochow University
T-0010,浙江大学医学院附属第一医院,CN-ZJ-HZ,First Affiliated Hospital of Zhejiang University
T-0011,宁波市第一医院,CN-ZJ-NB,Ningbo First Hospital
"""

PRODUCTS = """sku,name,line,aliases,name_en
A100,超声诊断仪 A100,IMG,A-100|超声A100|A100超声,Ultrasound Scanner A100
A200,便携式超声 A200,IMG,A-200|便携超声,Portable Ultrasound A200
X200,多参数监护仪 X200,MON,X-200|监护仪,Multi-parameter Monitor X200
X300,中央监护系统 X300,MON,X-300|中央监护,Central Monitoring System X300
R10,全自动生化分析仪 R10,LAB,R-10|生化仪,Automatic Chemistry Analyzer R10
R20,血细胞分析仪 R20,LAB,R-20|血球仪,Hematology Analyzer R20
"""

PRICES = """sku,supply_price,min_terminal_price,min_bid_price,valid_from,valid_to
A100,2400,3000,2800,{prev}-01-01,{prev}-12-31
A100,2600,3200,3000,{year}-01-01,
A200,1800,2300,2100,{prev}-01-01,{prev}-12-31
A200,1900,2400,2200,{year}-01-01,
X200,680,880,820,{prev}-01-01,
X300,5200,6800,6300,{year}-01-01,
R10,9800,12800,11800,{prev}-01-01,{prev}-12-31
R10,9500,12500,11500,{year}-01-01,
R20,4200,5600,5200,{year}-01-01,
"""

DEALERS = """code,name,legal_rep,phone,tier,credit_rating,deposit,since
D001,成都华西医疗器械有限公司,张伟,13800000001,A,AAA,500000,2018-03-01
D002,重庆渝康医疗设备有限公司,李娜,13800000002,B,AA,200000,2020-06-15
D003,上海申康医疗科技有限公司,王强,13800000003,A,AAA,600000,2017-09-01
D004,南京金陵医疗器械有限公司,刘洋,13800000004,B,A,150000,2021-04-01
D005,杭州西湖医疗设备有限公司,陈静,13800000005,C,A,100000,2022-11-01
D006,昆明春城医疗器械有限公司,赵磊,13800000006,C,B,50000,{new_since}
"""

CONTRACTS = """dealer_code,start,end,annual_target,deposit,franchise_fee
D001,{prev}-01-01,{prev}-12-31,2000000,500000,50000
D002,{prev}-01-01,{prev}-12-31,1200000,200000,30000
D003,{prev}-01-01,{prev}-12-31,2500000,600000,50000
D004,{prev}-01-01,{prev}-12-31,1000000,150000,30000
D005,{prev}-01-01,{prev}-12-31,800000,100000,20000
D001,{year}-01-01,{year}-12-31,2600000,500000,50000
D002,{year}-01-01,{year}-12-31,1560000,200000,30000
D003,{year}-01-01,{year}-12-31,3250000,600000,50000
D004,{year}-01-01,{year}-12-31,1300000,150000,30000
D005,{year}-01-01,{year}-12-31,1040000,100000,20000
D006,{new_since},{new_end},300000,50000,10000
"""

AUTHORIZATIONS = """dealer_code,region_code,terminal_code,line,valid_from,valid_to
D001,CN-SC,,IMG,{prev}-01-01,{year}-12-31
D001,CN-SC,,MON,{prev}-01-01,{year}-12-31
D002,CN-CQ,,IMG,{prev}-01-01,{year}-12-31
D002,,T-0003,MON,{prev}-01-01,{year}-12-31
D003,CN-SH,,IMG,{prev}-01-01,{year}-12-31
D003,CN-SH,,MON,{prev}-01-01,{year}-12-31
D003,CN-SH,,LAB,{prev}-01-01,{year}-12-31
D004,CN-JS,,MON,{prev}-01-01,{year}-12-31
D004,CN-JS,,LAB,{prev}-01-01,{year}-12-31
D005,CN-ZJ,,IMG,{prev}-01-01,{year}-12-31
D006,CN-YN,,MON,{new_since},{new_end}
D006,,T-0005,LAB,{new_since},{new_end}
"""

MANAGERS = """code,name,role,region_codes
M001,周总,admin,CN
M002,王经理,sales_manager,CN-W
M003,孙总监,regional_director,CN-E
M004,吴经理,product_line_manager,CN
M005,郑客服,service_agent,CN
M006,钱经理,sales_manager,CN-E
"""

# Last year's annual targets; this year's are +30% (the policy's growth rule). D006 is new
# this year. Every date of the demo is relative to the year it is seeded in.
LAST_YEAR_TARGETS = {
    "D001": Decimal("2000000"),
    "D002": Decimal("1200000"),
    "D003": Decimal("2500000"),
    "D004": Decimal("1000000"),
    "D005": Decimal("800000"),
}
NEW_DEALER_TARGET = Decimal("300000")
GROWTH = Decimal("1.3")
QUARTER_SHARES = (Decimal("0.20"), Decimal("0.25"), Decimal("0.25"), Decimal("0.30"))


def targets_csv(this_year: int) -> str:
    lines = ["dealer_code,period,amount"]
    for dealer, last in LAST_YEAR_TARGETS.items():
        current = to_money(last * GROWTH)
        for year, total in ((this_year - 1, last), (this_year, current)):
            lines.append(f"{dealer},{year},{to_money(total)}")
            for q, share in enumerate(QUARTER_SHARES, start=1):
                quarter = to_money(total * share)
                lines.append(f"{dealer},{year}-Q{q},{quarter}")
                if year == this_year:
                    for m in range(3 * q - 2, 3 * q + 1):
                        lines.append(f"{dealer},{year}-{m:02d},{to_money(quarter / 3)}")
    lines.append(f"D006,{this_year},{NEW_DEALER_TARGET}")
    return "\n".join(lines) + "\n"


def new_dealer_since(today: date) -> date:
    """The first of the month three months back: the demo always has a first-year dealer."""
    months = today.year * 12 + today.month - 1 - 3
    return date(months // 12, months % 12 + 1, 1)


def demo_tables(today: date) -> list[tuple[ImportKind, str]]:
    since = new_dealer_since(today)
    end = since.replace(year=since.year + 1) - timedelta(days=1)
    fill = {
        "new_since": since.isoformat(),
        "new_end": end.isoformat(),
        "year": today.year,
        "prev": today.year - 1,
    }
    return [
        (ImportKind.REGIONS, REGIONS),
        (ImportKind.TERMINALS, TERMINALS),
        (ImportKind.PRODUCTS, PRODUCTS),
        (ImportKind.PRICES, PRICES.format(**fill)),
        (ImportKind.DEALERS, DEALERS.format(**fill)),
        (ImportKind.CONTRACTS, CONTRACTS.format(**fill)),
        (ImportKind.AUTHORIZATIONS, AUTHORIZATIONS.format(**fill)),
        (ImportKind.TARGETS, targets_csv(today.year)),
        (ImportKind.MANAGERS, MANAGERS),
    ]


class DemoDataError(RuntimeError):
    """The demo tables do not import cleanly (a bug in this module)."""


def seed_demo(uow_factory, today: date) -> list[ImportResult]:
    """Store the demo catalog in one transaction; returns what each table did."""
    results: list[ImportResult] = []
    with uow_factory() as uow:
        for kind, csv_text in demo_tables(today):
            parsed = parse_table(kind, read_table(csv_text.encode("utf-8")))
            result = import_parsed(uow.session, parsed)
            if not result.ok:
                raise DemoDataError(f"{kind}: {result.errors}")
            results.append(result)
        uow.commit()
    return results


def seed_demo_policy(uow_factory, clock) -> list[str]:
    """Load the sample dealer policy into the Q&A knowledge base unless one is loaded."""
    from bot.policy_files import load_policy_files, sample_policy_files

    files = sample_policy_files()
    with uow_factory() as uow:
        if not files or uow.policy.documents():
            return []
    return [doc.name for doc in load_policy_files(uow_factory, files, clock)]


def is_empty(uow_factory) -> bool:
    with uow_factory() as uow:
        s = uow.session
        return s.scalar(select(RegionRow.id).limit(1)) is None and (
            s.scalar(select(DealerRow.id).limit(1)) is None
        )
