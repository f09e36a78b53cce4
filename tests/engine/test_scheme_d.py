"""Scheme D (leadership teams, seed 002 part 2): class-specific composites, worked by hand.

镇街 = 述职评议 20% + 年度工作考评 20% + 党建实绩 60%；
市直单位 = 民主测评（领导自评 40% + 民主评议 60%）20% + 年度工作考评 20% + 党建实绩 60%；
最终得分 = 综合得分 + 创新工作加分（每项 5 分，封顶 15 分）；
镇街前十名优秀、后十名一般，市直单位前三十名优秀、后三十名一般，其余良好（先定优秀）。
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpers import EXAMPLES, bundled, dataset
from kaoping.engine import evaluate, explain
from kaoping.io import read_input

D = "d-leadership-teams"
PRAISE = "通报表扬"
REMIND = "提醒并列为下一年度督导重点"
KINDS = ("民主测评", "述职评议", "党建实绩", "创新工作", "年度工作考评")


def _innovation(name, results):
    return [{"单位": name, "项目名称": f"创新{k}", "认定结果": res} for k, res in enumerate(results)]


def _performance(name, scores):
    # the first half of the items are 基础工作, the rest 重点工作 (all averaged together)
    return [{"单位": name, "类型": "基础工作" if k < (len(scores) + 1) // 2 else "重点工作",
             "项目名称": f"项目{k}", "得分": s} for k, s in enumerate(scores)]


def town(name, votes, award, perf, innov=()):
    """One 镇街: 述职评议 votes by tier, 综合奖, 党建实绩 item scores, innovation results."""
    return {"单位": name, "类别": "镇街"}, {
        "述职评议": [{"单位": name, "档次": g, "票数": n} for g, n in votes.items()],
        "年度工作考评": [{"单位": name, "综合奖": award}],
        "党建实绩": _performance(name, perf),
        "创新工作": _innovation(name, innov),
    }


def dept(name, self_score, staff_score, award, perf, innov=()):
    """One 市直单位: 领导自评 and 民主评议 scores, 综合奖, 党建实绩 item scores, innovation."""
    dem = [{"单位": name, "评价主体": who, "得分": s}
           for who, s in (("领导自评", self_score), ("民主评议", staff_score)) if s is not None]
    return {"单位": name, "类别": "市直单位"}, {
        "民主测评": dem,
        "年度工作考评": [{"单位": name, "综合奖": award}],
        "党建实绩": _performance(name, perf),
        "创新工作": _innovation(name, innov),
    }


def run(*units):
    s = bundled(D)
    records = {k: [] for k in KINDS}
    for _, recs in units:
        for k, rows in recs.items():
            records[k] += rows
    return evaluate(s, dataset(s, [u for u, _ in units], records))


def value(r, measure, unit):
    return round(float(r.measure(measure)[r.index_of(unit), 0]), 9)


# 述职评议：好/较好/一般/差 = 100/80/60/40，取全体评议人员的平均（按票数）。
@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ({"好": 3, "较好": 1}, 95.0),                          # (300 + 80)/4 = 95
        ({"差": 5}, 40.0),                                      # 200/5 = 40
        ({"好": 1, "较好": 1, "一般": 1, "差": 1}, 70.0),       # 280/4 = 70
        ({"好": 0, "一般": 2}, 60.0),                           # a tier with 0 votes weighs nothing
        ({"好": 2, "较好": 1}, 93.333333333),                   # (200 + 80)/3 = 93.33…
        ({"好": 16, "较好": 4}, 96.0),                          # (1600 + 320)/20 = 96
    ],
)
def test_review_is_the_mean_of_the_raters(votes, expected):
    r = run(town("河口镇", votes, "一等奖", [100]))
    assert value(r, "review", "河口镇") == expected


# 民主测评：领导自评 40% + 民主评议 60%。
@pytest.mark.parametrize(
    ("self_score", "staff_score", "expected"),
    [
        (80, 90, 86.0),     # 32 + 54 = 86
        (100, 50, 70.0),    # 40 + 30 = 70
        (77, 88, 83.6),     # 30.8 + 52.8 = 83.6
    ],
)
def test_democratic_evaluation(self_score, staff_score, expected):
    r = run(dept("市财政局", self_score, staff_score, "一等奖", [100]))
    assert value(r, "democratic", "市财政局") == expected


# 年度工作考评：一等奖 100、二等奖 90、其他等次奖 80。
@pytest.mark.parametrize(
    ("award", "score"),
    [
        ("一等奖", "100.00"),      # 0.2 × 100 + 0.2 × 100 + 0.6 × 100 = 100
        ("二等奖", "98.00"),       # 20 + 0.2 × 90 + 60 = 20 + 18 + 60 = 98
        ("其他等次奖", "96.00"),   # 20 + 16 + 60 = 96
    ],
)
def test_annual_work_award(award, score):
    r = run(town("河口镇", {"好": 1}, award, [100]))
    assert r.unit_result("河口镇").score == Decimal(score)


# 创新工作：每项获认定加 5 分，封顶 15 分；未获认定的不加分。
@pytest.mark.parametrize(
    ("results", "bonus"),
    [
        ([], "0.00"),
        (["市级以上表彰"], "5.00"),
        (["市级以上表彰", "市级以上领导批示肯定"], "10.00"),
        (["市级以上表彰", "市级以上领导批示肯定", "作为经验推广"], "15.00"),  # at the cap
        (["市级以上表彰", "市级以上领导批示肯定", "作为经验推广", "市级以上表彰"], "15.00"),  # 20 → 15
        (["作为经验推广", "未获认定", "未获认定"], "5.00"),
        (["未获认定"], "0.00"),
    ],
)
def test_innovation_bonus_capped_at_15(results, bonus):
    r = run(town("河口镇", {"好": 1}, "一等奖", [100], results))
    ur = r.unit_result("河口镇")
    assert ur.components == {"综合得分": Decimal("100.00"), "创新工作加分": Decimal(bonus)}
    assert ur.score == Decimal("100.00") + Decimal(bonus)  # final = composite + bonus


def test_composites_by_class():
    r = run(
        town("河口镇", {"好": 1, "较好": 1}, "二等奖", [80, 90, 85]),
        dept("市住建局", 90, 80, "一等奖", [70, 80], ["市级以上表彰", "作为经验推广"]),
    )
    # 镇街: 述职 (100 + 80)/2 = 90, 二等奖 90, 实绩 (80 + 90 + 85)/3 = 85
    #       0.2 × 90 + 0.2 × 90 + 0.6 × 85 = 18 + 18 + 51 = 87
    assert r.unit_result("河口镇").score == Decimal("87.00")
    # 市直单位: 民主测评 0.4 × 90 + 0.6 × 80 = 36 + 48 = 84, 一等奖 100, 实绩 (70 + 80)/2 = 75
    #       0.2 × 84 + 0.2 × 100 + 0.6 × 75 = 16.8 + 20 + 45 = 81.8; + 2 × 5 = 91.8
    assert r.unit_result("市住建局").score == Decimal("91.80")


def test_other_class_components_are_ignored():
    t, t_rec = town("河口镇", {"好": 1}, "一等奖", [90])
    t_rec["民主测评"] = [{"单位": "河口镇", "评价主体": "领导自评", "得分": 0}]
    d, d_rec = dept("市住建局", 90, 90, "一等奖", [90])
    d_rec["述职评议"] = [{"单位": "市住建局", "档次": "差", "票数": 10}]
    r = run((t, t_rec), (d, d_rec))
    # 镇街: 20 + 20 + 0.6 × 90 = 94 (its 民主测评 record plays no part)
    # 市直: 0.2 × (36 + 54) + 20 + 54 = 18 + 20 + 54 = 92 (its 述职评议 plays no part)
    assert r.unit_result("河口镇").score == Decimal("94.00")
    assert r.unit_result("市住建局").score == Decimal("92.00")


@pytest.mark.parametrize(
    ("unit", "drop"),
    [
        (town("河口镇", {}, "一等奖", [90]), None),                     # no 述职评议 votes
        (town("河口镇", {"好": 0}, "一等奖", [90]), None),              # only zero votes
        (dept("市住建局", None, 90, "一等奖", [90]), None),             # no 领导自评
        (dept("市住建局", 90, 90, "一等奖", []), None),                 # no 党建实绩 items
        (dept("市住建局", 90, 90, "一等奖", [90]), "年度工作考评"),     # no award entered
    ],
)
def test_missing_component_is_not_scored(unit, drop):
    u, recs = unit
    if drop:
        recs[drop] = []
    other = town("石桥镇", {"好": 1}, "一等奖", [90])
    r = run((u, recs), other)
    ur = r.unit_result(u["单位"])
    assert (ur.score, ur.grade, ur.rank) == (None, None, None)
    assert ur.flags == ["数据不全，未计分"]
    assert r.unit_result("石桥镇").rank == 1


# ---------------------------------------------------------------- grades by rank within the class


def ladder(n, perf, make):
    """n units whose only difference is their 党建实绩 score ``perf(k)`` (k = 1…n)."""
    return [make(k, perf(k)) for k in range(1, n + 1)]


def town_k(k, p):
    return town(f"镇{k:02d}", {"好": 1}, "一等奖", [p])


def dept_k(k, p):
    return dept(f"局{k:02d}", 100, 100, "一等奖", [p])


def grades(r):
    return [r.unit_result(u).grade for u in r.units]


@pytest.mark.parametrize(
    ("n", "perf", "expected"),
    [
        # 22 镇街, 实绩 100 − k → final 20 + 20 + 0.6 × (100 − k) = 100 − 0.6k, rank k.
        # top 10 → 优秀; bottom 10 = places from the bottom 22 − k + 1 ≤ 10 ⇔ k ≥ 13 → 一般
        (22, lambda k: 100 - k, ["优秀"] * 10 + ["良好"] * 2 + ["一般"] * 10),
        # tie at the top cut: k = 10 and 11 both 90 → both rank 10 → both 优秀;
        # k = 12: rank 12, 11th from the bottom → 良好; k ≥ 13 → 一般
        (22, lambda k: 90 if k == 11 else 100 - k, ["优秀"] * 11 + ["良好"] + ["一般"] * 10),
        # tie at the bottom cut: k = 12 and 13 both 88 → 11 units score ≤ 88 → not bottom 10 → 良好
        (22, lambda k: 88 if k == 13 else 100 - k, ["优秀"] * 10 + ["良好"] * 3 + ["一般"] * 9),
        # 12 镇街 (fewer than 10 + 10): the top count first → 10 优秀, the last 2 一般
        (12, lambda k: 100 - k, ["优秀"] * 10 + ["一般"] * 2),
        # 3 镇街: all in the top 10 → all 优秀
        (3, lambda k: 100 - k, ["优秀"] * 3),
    ],
)
def test_town_grades_by_rank(n, perf, expected):
    r = run(*ladder(n, perf, town_k))
    assert grades(r) == expected


def test_town_grade_flags():
    r = run(*ladder(22, lambda k: 100 - k, town_k))
    flags = [r.unit_result(u).flags for u in r.units]
    assert flags == [[PRAISE]] * 10 + [[]] * 2 + [[REMIND]] * 10
    # 镇01: 100 − 0.6 = 99.4; 镇22: 100 − 13.2 = 86.8
    assert r.unit_result("镇01").score == Decimal("99.40")
    assert r.unit_result("镇22").score == Decimal("86.80")


def test_department_grades_by_rank():
    # 62 市直单位: 民主测评 100, 一等奖, 实绩 100 − k → 20 + 20 + 0.6 × (100 − k), rank k.
    # top 30 → 优秀; bottom 30: 62 − k + 1 ≤ 30 ⇔ k ≥ 33 → 一般; k = 31, 32 → 良好
    r = run(*ladder(62, lambda k: 100 - k, dept_k))
    assert grades(r) == ["优秀"] * 30 + ["良好"] * 2 + ["一般"] * 30
    # 8 市直单位: all within the top 30 → all 优秀
    r = run(*ladder(8, lambda k: 100 - k, dept_k))
    assert grades(r) == ["优秀"] * 8


def test_classes_rank_separately():
    # 12 镇街 at 100 − 0.6k (k = 1…12) and 2 市直单位 below every 镇街
    units = ladder(12, lambda k: 100 - k, town_k) + [
        dept("市住建局", 50, 50, "其他等次奖", [50]),   # 10 + 16 + 30 = 56
        dept("市教育局", 60, 60, "其他等次奖", [60]),   # 12 + 16 + 36 = 64
    ]
    r = run(*units)
    edu, build = r.unit_result("市教育局"), r.unit_result("市住建局")
    assert (edu.score, edu.rank, edu.rank_in_class, edu.grade) == (Decimal("64.00"), 13, 1, "优秀")
    assert (build.score, build.rank, build.rank_in_class, build.grade) == (Decimal("56.00"), 14, 2, "优秀")
    # 镇12 is 12th overall and in its class, bottom 1 of 镇街 → 一般
    t12 = r.unit_result("镇12")
    assert (t12.rank, t12.rank_in_class, t12.grade) == (12, 12, "一般")


# ---------------------------------------------------------------- the bundled example


def score_example():
    s = bundled(D)
    return evaluate(s, read_input(s, EXAMPLES / f"{D}.json"))


def test_example_town_scores_ranks_and_grades():
    r = score_example()
    got = {u.unit: (u.rank_in_class, u.score, u.grade, u.components["综合得分"],
                    u.components["创新工作加分"])
           for u in r.ranking() if u.unit_class == "镇街"}
    # 综合 = 0.2 × 述职评议 + 0.2 × 年度工作考评 + 0.6 × 党建实绩；最终 = 综合 + 创新（封顶 15）
    assert got == {
        # 述职 (16×100 + 4×80)/20 = 1920/20 = 96; 一等奖 100; 实绩 (95+90+92+95)/4 = 93
        # 19.2 + 20 + 55.8 = 95; 创新 4 × 5 = 20 → 15; 95 + 15 = 110
        "城关街道": (1, Decimal("110.00"), "优秀", Decimal("95.00"), Decimal("15.00")),
        # (1400 + 480)/20 = 94; 100; (90+92+88+90)/4 = 90 → 18.8 + 20 + 54 = 92.8; + 10 = 102.8
        "东城街道": (2, Decimal("102.80"), "优秀", Decimal("92.80"), Decimal("10.00")),
        # (1200 + 480 + 120)/20 = 90; 二等奖 90; 348/4 = 87 → 18 + 18 + 52.2 = 88.2; + 5 = 93.2
        "西城街道": (3, Decimal("93.20"), "优秀", Decimal("88.20"), Decimal("5.00")),
        # (1000 + 480 + 240)/20 = 86; 90; 344/4 = 86 → 17.2 + 18 + 51.6 = 86.8; + 5 = 91.8
        "北山街道": (4, Decimal("91.80"), "优秀", Decimal("86.80"), Decimal("5.00")),
        # (800 + 640 + 240)/20 = 84; 其他 80; 85 → 16.8 + 16 + 51 = 83.8; + 5 = 88.8
        "河口镇": (5, Decimal("88.80"), "优秀", Decimal("83.80"), Decimal("5.00")),
        # (1000 + 640 + 120)/20 = 88; 90; 348/4 = 87 → 17.6 + 18 + 52.2 = 87.8
        "南湖街道": (6, Decimal("87.80"), "优秀", Decimal("87.80"), Decimal("0.00")),
        # (600 + 640 + 240 + 80)/20 = 78; 80; 332/4 = 83 → 15.6 + 16 + 49.8 = 81.4; + 5 = 86.4
        "石桥镇": (7, Decimal("86.40"), "优秀", Decimal("81.40"), Decimal("5.00")),
        # (800 + 480 + 240 + 80)/20 = 80; 90; 336/4 = 84 → 16 + 18 + 50.4 = 84.4
        "柳林镇": (8, Decimal("84.40"), "优秀", Decimal("84.40"), Decimal("0.00")),
        # 15 raters: (500 + 400 + 300)/15 = 80; 80; 328/4 = 82 → 16 + 16 + 49.2 = 81.2
        "新集镇": (9, Decimal("81.20"), "优秀", Decimal("81.20"), Decimal("0.00")),
        # tie at 78.8, both 10th (in the top 10):
        # (400 + 640 + 360 + 80)/20 = 74; 80; 320/4 = 80 → 14.8 + 16 + 48 = 78.8
        "桃园镇": (10, Decimal("78.80"), "优秀", Decimal("78.80"), Decimal("0.00")),
        # (200 + 800 + 360 + 80)/20 = 72; 90; 276/4 = 69 → 14.4 + 18 + 41.4 = 73.8; + 5 = 78.8
        "白沙镇": (10, Decimal("78.80"), "优秀", Decimal("73.80"), Decimal("5.00")),
        # (200 + 480 + 480 + 160)/20 = 66; 80; 290/4 = 72.5 → 13.2 + 16 + 43.5 = 72.7 (未获认定 0)
        # 12th: not in the top 10; in the bottom 10 → 一般 (12 < 10 + 10: top count applied first)
        "青山镇": (12, Decimal("72.70"), "一般", Decimal("72.70"), Decimal("0.00")),
    }


def test_example_department_scores_ranks_and_grades():
    r = score_example()
    got = {u.unit: (u.rank_in_class, u.score, u.grade, u.components["综合得分"],
                    u.components["创新工作加分"])
           for u in r.ranking() if u.unit_class == "市直单位"}
    # 民主测评 = 0.4 × 自评 + 0.6 × 评议；综合 = 0.2 × 民主测评 + 0.2 × 年度 + 0.6 × 实绩
    # 8 units < 30: every unit is in the top 30 → all 优秀
    assert got == {
        # 38 + 54 = 92; 一等奖 100; (92+94+90)/3 = 92 → 18.4 + 20 + 55.2 = 93.6; 3 × 5 = 15 → 108.6
        "市发展改革委": (1, Decimal("108.60"), "优秀", Decimal("93.60"), Decimal("15.00")),
        # 36 + 51 = 87; 二等奖 90; 264/3 = 88 → 17.4 + 18 + 52.8 = 88.2; + 5 = 93.2
        "市教育局": (2, Decimal("93.20"), "优秀", Decimal("88.20"), Decimal("5.00")),
        # 36.8 + 52.8 = 89.6; 100; 264/3 = 88 → 17.92 + 20 + 52.8 = 90.72
        "市财政局": (3, Decimal("90.72"), "优秀", Decimal("90.72"), Decimal("0.00")),
        # 35.2 + 48 = 83.2; 90; 252/3 = 84 → 16.64 + 18 + 50.4 = 85.04; + 5 = 90.04
        "市人社局": (4, Decimal("90.04"), "优秀", Decimal("85.04"), Decimal("5.00")),
        # 34.4 + 46.8 = 81.2; 80; 234/3 = 78 → 16.24 + 16 + 46.8 = 79.04; + 5 (one 未获认定) = 84.04
        "市交通运输局": (5, Decimal("84.04"), "优秀", Decimal("79.04"), Decimal("5.00")),
        # tie at 82.2, both 6th:
        # 34 + 51 = 85; 80; 246/3 = 82 → 17 + 16 + 49.2 = 82.2
        "市自然资源局": (6, Decimal("82.20"), "优秀", Decimal("82.20"), Decimal("0.00")),
        # 36 + 48 = 84; 90; 237/3 = 79 → 16.8 + 18 + 47.4 = 82.2
        "市住建局": (6, Decimal("82.20"), "优秀", Decimal("82.20"), Decimal("0.00")),
        # 32.8 + 45 = 77.8; 80; (75+77+73+71)/4 = 74 → 15.56 + 16 + 44.4 = 75.96
        "市卫生健康委": (8, Decimal("75.96"), "优秀", Decimal("75.96"), Decimal("0.00")),
    }


def test_example_overall_ranks_and_flags():
    r = score_example()
    ranks = {u.unit: u.rank for u in r.ranking()}
    # 110, 108.6, 102.8, 93.2 = 93.2 (教育局 and 西城街道 share 4th), 91.8, …
    assert ranks["城关街道"] == 1 and ranks["市发展改革委"] == 2 and ranks["东城街道"] == 3
    assert ranks["市教育局"] == ranks["西城街道"] == 4 and ranks["北山街道"] == 6
    assert ranks["市住建局"] == ranks["市自然资源局"] == 14 and ranks["新集镇"] == 16
    assert ranks["青山镇"] == 20
    flags = {u.unit: u.flags for u in r.ranking()}
    assert flags["青山镇"] == [REMIND]
    assert all(f == [PRAISE] for u, f in flags.items() if u != "青山镇")


def test_example_explanation():
    r = score_example()
    text = explain(r, "城关街道").to_text()
    assert "（镇街）0.2 × 述职评议 96 + 0.2 × 年度工作考评 100 + 0.6 × 党建实绩考核 93" in text
    assert "创新工作认定加分 20，限于 [−∞, 15]" in text
    assert ("等次 优秀（按镇街类别内名次评定：第 1 名、倒数第 12 名（共 12 个）；"
            "前 10 名为优秀，后 10 名为一般，其余为良好；名额重叠时先定优秀）") in text
    text = explain(r, "白沙镇").to_text()
    assert "第 10 名、倒数第 3 名（共 12 个）" in text   # tied with 桃园镇; 3 score ≤ 78.8
    text = explain(r, "市交通运输局").to_text()
    assert "（市直单位）0.2 × 民主测评 81.2 + 0.2 × 年度工作考评 80 + 0.6 × 党建实绩考核 78" in text
    assert "0.4 × 领导自评 86 + 0.6 × 民主评议 78" in text
    assert "认定结果 未获认定 → 0" in text
    assert "前 30 名为优秀，后 30 名为一般" in text
