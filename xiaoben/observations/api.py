from ninja import Router

router = Router(tags=["听课评课"])
