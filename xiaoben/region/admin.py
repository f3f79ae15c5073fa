from django.contrib import admin

from .models import SchoolVisit, VisitLesson

admin.site.register(SchoolVisit)
admin.site.register(VisitLesson)
