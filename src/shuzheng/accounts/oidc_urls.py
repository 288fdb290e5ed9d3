"""The OpenID Connect endpoints relying parties use, and nothing else of django-oauth-toolkit.

The library's own URLconf also serves application self-registration and
management, token lists, device flow and dynamic client registration. Here an
administrator registers each government system (`shuzheng oidc-client`, or
the admin), so none of those are published.
"""

from django.urls import path
from oauth2_provider import views as oauth2_views

from shuzheng.accounts.oidc import BearerHeaderUserInfoView, ConsentView

# The library builds discovery and the issuer by reversing names in its namespace.
app_name = "oauth2_provider"

urlpatterns = [
    # The issuer is the site's origin, so its discovery document sits at the
    # one location the standard gives for it (OpenID Connect Discovery §4).
    path(
        ".well-known/openid-configuration",
        oauth2_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path("o/.well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
    path("o/authorize/", ConsentView.as_view(), name="authorize"),
    path("o/token/", oauth2_views.TokenView.as_view(), name="token"),
    path("o/userinfo/", BearerHeaderUserInfoView.as_view(), name="user-info"),
    # Lets a relying party end its refresh token when the person signs out there.
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
]
