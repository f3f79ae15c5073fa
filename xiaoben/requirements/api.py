from ninja import Router

router = Router(tags=["量化要求与考核"])
