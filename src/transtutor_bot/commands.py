"""The command menu and /help, per role, from one table."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from transtutor_bot.i18n import LANGUAGES, Translator

# (command, English description, Chinese description, roles that have it)
STUDENT = ("student", "instructor", "coordinator", "admin")
COMMANDS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("next", "A new exercise for you", "获取一道新练习", STUDENT),
    ("hint", "A hint for the open exercise", "当前练习的提示", STUDENT),
    ("skip", "Skip the open exercise", "跳过当前练习", STUDENT),
    ("progress", "Your mastery per outcome", "查看各学习成果掌握度", STUDENT),
    ("deadlines", "Your projects and deadlines", "我的项目与截止时间", STUDENT),
    ("submit", "Hand in project work", "提交项目作业", STUDENT),
    ("cancel", "Stop a submission or review", "取消正在进行的提交或评阅", STUDENT),
    ("lang", "English / 中文", "切换语言 English / 中文", STUDENT),
    ("credential", "Your micro-credential, or what is missing", "我的微证书或尚缺条件", STUDENT),
    ("explain", "AI explanation of your last answer", "AI 讲解你上一次的答案", STUDENT),
    ("ai", "AI assistance on or off", "开启或关闭 AI 辅助", STUDENT),
    ("mydata", "Everything stored about you, as a file", "导出关于你的全部数据", STUDENT),
    ("forget", "Delete all your data", "删除你的全部数据", STUDENT),
    ("help", "What I can do", "查看全部功能", STUDENT),
    ("start", "Welcome and join a cohort", "欢迎与加入班级", STUDENT),
    ("sets", "Exercise sets and versions", "练习集及其版本", ("instructor",)),
    ("retire", "Hide a set from students", "对学生隐藏练习集", ("instructor",)),
    ("drafts", "A set's MT drafts", "查看练习集的机器翻译草稿", ("instructor",)),
    ("project_new", "Create a project with a deadline", "创建带截止时间的项目", ("instructor",)),
    ("projects", "Projects, submissions, reviews", "项目、提交与评阅情况", ("instructor",)),
    ("extend", "Extend one student's deadline", "为某位学生延长截止时间", ("instructor",)),
    ("review", "Grade project submissions", "评阅项目作业", ("instructor",)),
    ("cohort_new", "Create a cohort and its join link", "创建班级及加入链接", ("instructor",)),
    ("summary", "Cohort mastery summary", "班级掌握情况汇总", ("coordinator",)),
    ("atrisk", "Learners at risk, with reasons", "风险学员及原因", ("coordinator",)),
    ("export", "All learners as CSV / XLSX", "导出全部学员（CSV / XLSX）", ("coordinator",)),
    ("learner", "One learner in detail", "单个学员详情", ("coordinator",)),
    ("credentials", "Credentials issued", "已颁发的证书", ("coordinator",)),
    ("revoke", "Revoke a credential", "撤销证书", ("coordinator",)),
    ("grant", "Give a user a role", "为用户授予角色", ("admin",)),
    ("invite", "One-time link that gives a role", "生成一次性角色邀请链接", ("admin",)),
    ("invites", "Open role invitations", "未使用的角色邀请", ("admin",)),
    ("invite_cancel", "Cancel a role invitation", "取消角色邀请", ("admin",)),
    ("roles", "Who has which role, and from where", "查看角色及其来源", ("admin",)),
]
PRIVILEGED = {row[0] for row in COMMANDS if row[3] != STUDENT}


def allowed(command_roles: tuple[str, ...], role: str) -> bool:
    return role == "admin" or role in command_roles


def commands_for(role: str, language: str) -> list[BotCommand]:
    column = 1 if language == "en" else 2
    return [
        BotCommand(command=command, description=(english, chinese)[column - 1])
        for command, english, chinese, roles in COMMANDS
        if allowed(roles, role)
    ]


def help_text(t: Translator, role: str) -> str:
    sections = [t("help.header"), "", t("help.student"), "", t("help.ai")]
    if role in ("instructor", "admin"):
        sections += ["", t("help.instructor"), t("help.ai_instructor")]
    if role in ("coordinator", "admin"):
        sections += ["", t("help.coordinator")]
    if role == "admin":
        sections += ["", t("help.admin")]
    return "\n".join(sections)


async def install_menus(bot: Bot, privileged: dict[int, str]) -> None:
    """Default menu for students in both languages; per-chat menus for other roles."""
    for language in LANGUAGES:
        code = None if language == "en" else language
        await bot.set_my_commands(
            commands_for("student", language), scope=BotCommandScopeDefault(), language_code=code
        )
    for user_id, role in privileged.items():
        await install_menu_for(bot, user_id, role)


async def install_menu_for(bot: Bot, user_id: int, role: str) -> None:
    """A user's own menu after a role change (students use the default menu)."""
    scope = BotCommandScopeChat(chat_id=user_id)
    if role == "student":
        await bot.delete_my_commands(scope=scope)
    else:
        await bot.set_my_commands(commands_for(role, "en"), scope=scope)
