from ninja import Router

router = Router(tags=["学时"])
