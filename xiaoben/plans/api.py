from ninja import Router

router = Router(tags=["研修计划"])
