"""The built-in textbook catalogue (a starting point: schools and districts extend it).

Units of the editions most used in the demo district; subjects without a listed unit
get 第一单元…第八单元 so a resource can still be placed by unit."""

from __future__ import annotations

CN_NUM = "一二三四五六七八九十"

UNITS: dict[tuple[str, str, int, int], list[str]] = {
    ("数学", "pep", 1, 1): [
        "准备课",
        "位置",
        "1～5的认识和加减法",
        "认识图形（一）",
        "6～10的认识和加减法",
        "11～20各数的认识",
        "认识钟表",
        "20以内的进位加法",
    ],
    ("数学", "pep", 2, 1): [
        "长度单位",
        "100以内的加法和减法（二）",
        "角的初步认识",
        "表内乘法（一）",
        "观察物体（一）",
        "表内乘法（二）",
        "认识时间",
        "数学广角——搭配（一）",
    ],
    ("数学", "pep", 3, 1): [
        "时、分、秒",
        "万以内的加法和减法（一）",
        "测量",
        "万以内的加法和减法（二）",
        "倍的认识",
        "多位数乘一位数",
        "长方形和正方形",
        "分数的初步认识",
        "数学广角——集合",
    ],
    ("数学", "pep", 3, 2): [
        "位置与方向（一）",
        "除数是一位数的除法",
        "复式统计表",
        "两位数乘两位数",
        "面积",
        "年、月、日",
        "小数的初步认识",
        "数学广角——搭配（二）",
    ],
    ("数学", "pep", 4, 1): [
        "大数的认识",
        "公顷和平方千米",
        "角的度量",
        "三位数乘两位数",
        "平行四边形和梯形",
        "除数是两位数的除法",
        "条形统计图",
        "数学广角——优化",
    ],
    ("数学", "pep", 5, 1): ["小数乘法", "位置", "小数除法", "可能性", "简易方程", "多边形的面积", "数学广角——植树问题"],
    ("数学", "pep", 6, 1): ["分数乘法", "位置与方向（二）", "分数除法", "比", "圆", "百分数（一）", "扇形统计图", "数学广角——数与形"],
    ("数学", "pep", 7, 1): ["有理数", "整式的加减", "一元一次方程", "几何图形初步"],
    ("数学", "pep", 7, 2): ["相交线与平行线", "实数", "平面直角坐标系", "二元一次方程组", "不等式与不等式组", "数据的收集、整理与描述"],
    ("数学", "pep", 8, 1): ["三角形", "全等三角形", "轴对称", "整式的乘法与因式分解", "分式"],
    ("数学", "pep", 8, 2): ["二次根式", "勾股定理", "平行四边形", "一次函数", "数据的分析"],
    ("数学", "pep", 9, 1): ["一元二次方程", "二次函数", "旋转", "圆", "概率初步"],
    ("语文", "tongbian", 3, 1): [
        "第一单元 学校生活",
        "第二单元 金秋时节",
        "第三单元 童话世界",
        "第四单元 预测",
        "第五单元 留心观察",
        "第六单元 祖国河山",
        "第七单元 我与自然",
        "第八单元 美好品质",
    ],
    ("英语", "pep", 3, 1): [
        "Unit 1 Hello!",
        "Unit 2 Colours",
        "Unit 3 Look at me!",
        "Unit 4 We love animals",
        "Unit 5 Let's eat!",
        "Unit 6 Happy birthday!",
    ],
    ("英语", "pep", 7, 1): [
        "Starter Units 1-3",
        "Unit 1 My name's Gina.",
        "Unit 2 This is my sister.",
        "Unit 3 Is this your pencil?",
        "Unit 4 Where's my schoolbag?",
    ],
}

DEFAULT_EDITION = {
    "语文": "tongbian",
    "道德与法治": "tongbian",
    "历史": "tongbian",
    "数学": "pep",
    "英语": "pep",
    "物理": "pep",
    "化学": "pep",
    "生物": "pep",
    "地理": "pep",
    "科学": "zhejiao",
}
STAGE_SUBJECTS = {
    range(1, 7): ["语文", "数学", "英语", "科学", "道德与法治"],
    range(7, 10): ["语文", "数学", "英语", "科学", "道德与法治", "历史"],
}


def builtin_rows() -> list[dict]:
    rows = []
    listed = set(UNITS)
    for key, names in UNITS.items():
        subject, edition, grade, volume = key
        rows += [dict(subject=subject, edition=edition, grade=grade, volume=volume, name=n, order=i) for i, n in enumerate(names, 1)]
    for grades, subjects in STAGE_SUBJECTS.items():
        for grade in grades:
            for subject in subjects:
                edition = DEFAULT_EDITION.get(subject, "pep")
                for volume in (1, 2):
                    if (subject, edition, grade, volume) in listed:
                        continue
                    rows += [
                        dict(subject=subject, edition=edition, grade=grade, volume=volume, name=f"第{CN_NUM[i]}单元", order=i + 1)
                        for i in range(8)
                    ]
    return rows
