from django.http import HttpRequest, HttpResponse


def document_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
