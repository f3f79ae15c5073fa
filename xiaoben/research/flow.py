"""The stage flow of a project: which moves exist and which documents each needs.

申报 → 立项 → 开题 → 中期检查 → 结题; 延期 from any working stage (and back to the flow),
撤销 from any stage before 结题. For 省/市/县/国家级 projects the outside body decides
立项 and 结题: the school records that decision with its evidence (立项通知, 结题证书)."""

from __future__ import annotations

from .models import DocKind, Level, ResearchProject, Stage

MAIN_FLOW = [Stage.APPLIED, Stage.APPROVED, Stage.OPENED, Stage.MIDTERM, Stage.CONCLUDED]

REQUIRED_DOCS: dict[str, tuple[str, ...]] = {
    Stage.APPROVED: (DocKind.APPLICATION, DocKind.APPROVAL),
    Stage.OPENED: (DocKind.OPENING,),
    Stage.MIDTERM: (DocKind.MIDTERM,),
    Stage.CONCLUDED: (DocKind.FINAL, DocKind.OUTCOME, DocKind.CERTIFICATE),
    Stage.EXTENDED: (DocKind.EXTENSION,),
    Stage.WITHDRAWN: (),
}
# Issued by the outside body; a 校级 project is decided by the school itself.
OUTSIDE_DECISION_DOCS = {DocKind.APPROVAL, DocKind.CERTIFICATE}
OUTSIDE_DECISION_STAGES = {Stage.APPROVED, Stage.CONCLUDED}
# Documents that must be new for this move (a second 延期 needs a new application).
FRESH_DOCS = {DocKind.EXTENSION}


def is_outside(project: ResearchProject) -> bool:
    return project.level != Level.SCHOOL


def required_documents(project: ResearchProject, to_stage: str) -> list[str]:
    kinds = list(REQUIRED_DOCS.get(to_stage, ()))
    if not is_outside(project):
        kinds = [k for k in kinds if k not in OUTSIDE_DECISION_DOCS]
    return kinds


def needs_decision(project: ResearchProject, to_stage: str) -> bool:
    """A 文号 / decision text is required when an outside body decided the move."""
    return is_outside(project) and to_stage in OUTSIDE_DECISION_STAGES


def working_stage(project: ResearchProject, history: list | None = None) -> str:
    """The main-flow stage a 延期 project was in before it was extended."""
    if project.stage != Stage.EXTENDED:
        return project.stage
    rows = history if history is not None else list(project.stages.all())
    for row in reversed(rows):
        if row.stage in MAIN_FLOW:
            return row.stage
    return Stage.APPROVED


def next_stages(project: ResearchProject, history: list | None = None) -> list[str]:
    """Moves allowed from the current stage, the main next step first."""
    if project.stage in (Stage.CONCLUDED, Stage.WITHDRAWN):
        return []
    base = working_stage(project, history)
    i = MAIN_FLOW.index(base)
    out = [MAIN_FLOW[i + 1]] if i + 1 < len(MAIN_FLOW) else []
    if base != Stage.APPLIED and project.stage != Stage.EXTENDED:
        out.append(Stage.EXTENDED)
    elif project.stage == Stage.EXTENDED:
        out.append(Stage.EXTENDED)  # a further extension, with a new application
    out.append(Stage.WITHDRAWN)
    return out


def main_next(project: ResearchProject, history: list | None = None) -> str | None:
    nxt = next_stages(project, history)
    return nxt[0] if nxt and nxt[0] in MAIN_FLOW else None


def missing_documents(project: ResearchProject, to_stage: str, documents: list | None = None, history: list | None = None) -> list[str]:
    """Kinds still missing for the move (docs of the project, not deleted)."""
    docs = documents if documents is not None else list(project.documents.all())
    have = {d.kind for d in docs}
    rows = history if history is not None else list(project.stages.all())
    extensions = sum(1 for r in rows if r.stage == Stage.EXTENDED)
    out = []
    for k in required_documents(project, to_stage):
        if k in FRESH_DOCS:
            # Each 延期 needs its own application: one more than the extensions so far.
            if sum(1 for d in docs if d.kind == k) <= extensions:
                out.append(k)
        elif k not in have:
            out.append(k)
    return out
