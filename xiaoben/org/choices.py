"""Fixed vocabularies of Chinese schools (SPEC §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    AREA = "area", _("片区")
    ALLIANCE = "alliance", _("教研联盟")


class Stage(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    NINE_YEAR = "nine_year", _("九年一贯制")
    COMPLETE = "complete", _("完全中学")


STAGE_GRADES: dict[str, range] = {
    Stage.PRIMARY: range(1, 7),
    Stage.JUNIOR: range(7, 10),
    Stage.SENIOR: range(10, 13),
    Stage.NINE_YEAR: range(1, 10),
    Stage.COMPLETE: range(7, 13),
}

GRADE_NAMES = {
    1: "一年级",
    2: "二年级",
    3: "三年级",
    4: "四年级",
    5: "五年级",
    6: "六年级",
    7: "七年级",
    8: "八年级",
    9: "九年级",
    10: "高一",
    11: "高二",
    12: "高三",
}


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.TextChoices):
    DOCTOR = "doctor", _("博士研究生")
    MASTER = "master", _("硕士研究生")
    BACHELOR = "bachelor", _("本科")
    COLLEGE = "college", _("专科")
    SECONDARY = "secondary", _("中专")
    OTHER = "other", _("其他")


class Title(models.TextChoices):
    """职称, with the band it maps to (正高/副高/中级/初级) in TITLE_BANDS."""

    SENIOR_PROFESSOR = "zhenggao", _("正高级教师")
    SENIOR = "gaoji", _("高级教师")
    FIRST = "yiji", _("一级教师")
    SECOND = "erji", _("二级教师")
    THIRD = "sanji", _("三级教师")
    NONE = "none", _("未评")


TITLE_BANDS: dict[str, str] = {
    Title.SENIOR_PROFESSOR: "正高",
    Title.SENIOR: "副高",
    Title.FIRST: "中级",
    Title.SECOND: "初级",
    Title.THIRD: "初级",
    Title.NONE: "未评",
}


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    SCHOOL = "school", _("校级")


class HonourKind(models.TextChoices):
    FAMOUS = "famous", _("名师")
    LEADER = "leader", _("学科带头人")
    BACKBONE = "backbone", _("骨干教师")
    NEW_STAR = "new_star", _("教坛新秀")
    SPECIAL = "special", _("特级教师")
    OTHER = "other", _("其他荣誉")  # 优秀教师, 优秀班主任, 师德标兵… the name is kept in TeacherHonour.name


class GroupKind(models.TextChoices):
    SUBJECT = "subject", _("教研组")
    PREP = "prep", _("备课组")
    GRADE = "grade", _("年级组")
    PROJECT = "project", _("课题组")
    STUDIO = "studio", _("名师工作室")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("组员")


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("平台管理员")
    REGION_ADMIN = "region_admin", _("区域管理员")
    RESEARCHER = "researcher", _("教研员")
    PRINCIPAL = "principal", _("校长")
    SCHOOL_ADMIN = "school_admin", _("学校管理员")
    # Derived, never stored: leading a group, having a teacher profile.
    GROUP_LEADER = "group_leader", _("教研组长/备课组长")
    TEACHER = "teacher", _("教师")


STORED_ROLES = [Role.PLATFORM_ADMIN, Role.REGION_ADMIN, Role.RESEARCHER, Role.PRINCIPAL, Role.SCHOOL_ADMIN]

SUBJECTS = [
    "语文",
    "数学",
    "英语",
    "科学",
    "物理",
    "化学",
    "生物",
    "历史",
    "地理",
    "道德与法治",
    "思想政治",
    "音乐",
    "美术",
    "体育",
    "信息技术",
    "综合实践",
    "劳动",
    "心理健康",
    "书法",
]
