"""Citizens' appeals under 59-ФЗ: the citizen, the appeal, its milestones and links.

An appeal arrives from the internet reception (the citizen signed in), or on
paper or at a personal reception (a clerk types it in). The registrar
registers it as an incoming document of type «Обращение гражданина» in the
journal of appeals; from then on resolutions, the answer's approval and
signing are the ordinary ones. What is particular to appeals lives here: the
legal terms in calendar days, the milestones the citizen may follow, the
grounds to leave it without an answer, the result of consideration.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TEXT_MAX = 10_000
"""The longest appeal text the reception takes (a decision, not a legal limit)."""

FILES_MAX = 5


class Citizen(models.Model):
    """A citizen who writes: with an account of the internet reception, or typed in
    by a clerk from a paper appeal (then with no way to sign in)."""

    last_name = models.CharField(_("surname"), max_length=150)
    first_name = models.CharField(_("name"), max_length=150)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail for answers"), blank=True)
    login_email = models.EmailField(
        _("sign-in e-mail"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Confirmed by a one-time code: the local account's login."),
    )
    oidc_issuer = models.CharField(max_length=300, blank=True)
    oidc_subject = models.CharField(max_length=255, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=Q(oidc_subject__isnull=False),
                name="citizen_unique_oidc_subject",
            )
        ]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def has_account(self) -> bool:
        return bool(self.login_email or self.oidc_subject)

    @property
    def profile_complete(self) -> bool:
        """59-ФЗ: a name and a postal or e-mail address to answer to."""
        return bool(
            self.last_name.strip()
            and self.first_name.strip()
            and (self.postal_address.strip() or self.email.strip())
        )


class CitizenToken(models.Model):
    """A bearer token of the citizens' API. Only its SHA-256 is stored; staff
    tokens live in another table, so neither kind opens the other API."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.citizen_id}: {self.pk}"


class LoginCode(models.Model):
    """A one-time code sent to an e-mail to sign in to a local account."""

    email = models.EmailField()
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["email", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M}"


class Topic(models.Model):
    """The all-Russian thematic classifier of appeals (ТОТК): section, theme,
    topic, question, coded ``0001.0002.0003.0004``. Editable reference data."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=500)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("Word stems, one per line or comma-separated: used to suggest the topic."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("topic of the classifier")
        verbose_name_plural = _("classifier of appeals (ТОТК)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def section_code(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def level(self) -> int:
        return self.code.count(".") + 1


class Channel(models.TextChoices):
    PORTAL = "portal", _("internet reception")
    PAPER = "paper", _("in writing (paper)")
    PERSONAL = "personal", _("personal reception")
    REDIRECTED = "redirected", _("redirected by another body")


class Result(models.TextChoices):
    """Results of consideration, as the federal appeals portal counts them."""

    SUPPORTED = "supported", _("supported (incl. measures taken)")
    EXPLAINED = "explained", _("explained")
    NOT_SUPPORTED = "not_supported", _("not supported")
    NO_ANSWER = "no_answer", _("left without an answer")
    REDIRECTED = "redirected", _("redirected by competence")


class NoAnswerGround(models.TextChoices):
    """59-ФЗ art. 11: when an appeal is left without an answer on its merits."""

    ANONYMOUS = "anonymous", _("no name, or no postal or e-mail address for the answer")
    OBSCENE = "obscene", _("obscene or offensive language, threats")
    UNREADABLE = "unreadable", _("the text cannot be read")
    REPEATED = "repeated", _("repeated appeal with nothing new: correspondence ended")


class Appeal(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        REGISTERED = "registered", _("registered, under consideration")
        REDIRECTED = "redirected", _("redirected")
        ANSWERED = "answered", _("answered")
        NO_ANSWER = "no_answer", _("left without an answer")
        WITHDRAWN = "withdrawn", _("withdrawn by the citizen")

    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="appeals")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="appeals"
    )
    addressed_to_reception = models.BooleanField(
        default=False, help_text=_("The citizen did not know whom to write to.")
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    text = models.TextField(_("text of the appeal"), max_length=TEXT_MAX)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    answer_by_email = models.BooleanField(_("send the answer by e-mail too"), default=False)
    consent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(_("received"))
    registration_due_at = models.DateTimeField()
    registration_due_note = models.CharField(max_length=500)
    # Registration: the incoming document of type «Обращение гражданина».
    document = models.OneToOneField(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeal",
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    redirect_due_at = models.DateTimeField(null=True, blank=True)
    redirect_due_note = models.CharField(max_length=500, blank=True)
    answer_due_at = models.DateTimeField(null=True, blank=True)
    answer_due_note = models.CharField(max_length=500, blank=True)
    # Extension (once, by the head, up to 30 days).
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.CharField(max_length=1000, blank=True)
    original_answer_due_at = models.DateTimeField(null=True, blank=True)
    # Outcome.
    result = models.CharField(_("result"), max_length=14, choices=Result.choices, blank=True)
    no_answer_ground = models.CharField(
        _("ground"), max_length=12, choices=NoAnswerGround.choices, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    answer = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answered_appeals",
    )
    answer_file = models.ForeignKey(
        "files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer_sha256 = models.CharField(max_length=64, blank=True)
    # Redirection by competence.
    redirected_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="redirections"
    )
    redirected_at = models.DateTimeField(null=True, blank=True)
    redirected_to_name = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        "orgs.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("citizen's appeal")
        verbose_name_plural = _("citizens' appeals")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["citizen", "-received_at"]),
            models.Index(fields=["organization", "-received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received")
                | Q(document__isnull=False)
                | Q(status="withdrawn")
                | Q(status="no_answer"),
                name="appeal_registered_has_document",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | (Q(answer__isnull=False) & ~Q(result="")),
                name="appeal_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status="no_answer") | ~Q(no_answer_ground=""),
                name="appeal_no_answer_has_ground",
            ),
        ]

    def __str__(self) -> str:
        if self.document_id and self.document is not None:
            return f"№ {self.document.reg_number}"
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.REGISTERED)


class Supplement(models.Model):
    """What the citizen added to an open appeal (text and files)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="supplements")
    text = models.TextField(max_length=TEXT_MAX, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.created_at:%d.%m.%Y}"


class AppealFile(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="files")
    supplement = models.ForeignKey(
        Supplement, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.stored_id}"


class Milestone(models.Model):
    """A step the law names, as the citizen may see it: dates and numbers, never
    names or text. The tracking page shows these and nothing else."""

    class Kind(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("milestone", "Received")
        REGISTERED = "registered", pgettext_lazy("milestone", "Registered")
        REDIRECTED = "redirected", pgettext_lazy("milestone", "Redirected by competence")
        EXTENDED = "extended", pgettext_lazy("milestone", "Term of consideration extended")
        SUPPLEMENTED = "supplemented", pgettext_lazy("milestone", "Supplement received")
        ANSWERED = "answered", pgettext_lazy("milestone", "Answer sent")
        NO_ANSWER = "no_answer", pgettext_lazy("milestone", "Left without an answer")
        WITHDRAWN = "withdrawn", pgettext_lazy("milestone", "Withdrawn by the citizen")

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="milestones")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.kind}"


class TrackingLink(models.Model):
    """An unguessable link to the public tracking page. Only the SHA-256 of the
    token is stored; the token itself is shown once (receipt, answer's QR)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="tracking_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.token_hash[:8]}"


class RateBucket(models.Model):
    """A fixed-window counter of the public side's rate limits, kept in the
    database so that every worker process counts the same requests. The key is
    a hash (of an account id or an address): no address is stored."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratebucket_unique")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
