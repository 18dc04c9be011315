from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import InputRequired

from tracker.web.forms import Form


class SignInForm(Form):
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SignOutForm(Form):
    submit = SubmitField("Sign out", widget=GovSubmitInput())


class ChangePasswordForm(Form):
    current_password = PasswordField("Your current password", widget=GovPasswordInput(),
                                     validators=[InputRequired(message="Enter your current password")])
    new_password = PasswordField("New password", widget=GovPasswordInput(),
                                 description="12 characters or more: three or four unrelated words work well",
                                 validators=[InputRequired(message="Enter a new password")])
    confirm_password = PasswordField("New password again", widget=GovPasswordInput(),
                                     validators=[InputRequired(message="Enter the new password again")])
    submit = SubmitField("Change password", widget=GovSubmitInput())
