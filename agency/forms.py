"""Forms of the agency app: the login form."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length enforced.

    Django sets the field's max_length after the field is built, so its length
    validator is never added: an overlong username reached authentication and the
    lockout record (django-axes keeps 255 characters), which failed on PostgreSQL."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
