from ninja import Router

router = Router(tags=["考核"])
