app_name = "writings"

urlpatterns: list = []
