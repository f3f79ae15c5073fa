from ninja import Router

router = Router(tags=["师徒结对"])
