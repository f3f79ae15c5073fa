from ninja import Router

router = Router(tags=["资源库"])
