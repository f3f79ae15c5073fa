from ninja import Router

router = Router(tags=["课题与成果"])
