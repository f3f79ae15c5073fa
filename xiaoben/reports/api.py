from ninja import Router

router = Router(tags=["报表与归档"])
