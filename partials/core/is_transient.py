{#- Included at the end of core/email.py in every framework (which imports smtplib). -#}
def is_transient(exc: BaseException) -> bool:
    """A failure worth another try: the network, or an SMTP 4xx answer ("try again later").
    A 5xx answer or refused recipients will fail the same way every time."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(exc, OSError)  # smtplib's other errors are OSErrors too
