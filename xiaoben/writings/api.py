from ninja import Router

router = Router(tags=["研修文章"])
