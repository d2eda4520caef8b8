//! The rules of single sign-on, free of HTTP, SQL and the provider: which
//! account a verified login belongs to, when it confirms an identity, where
//! the person may be sent afterwards, and what a failed attempt is called.
//! The protocol lives in `crate::sso`, the handlers in `handlers::sso`.

use uuid::Uuid;

/// Why a login through the provider did not happen. The code travels to the
/// login page as `?sso_error=`, which shows what the person can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The person cancelled at the provider (`error=access_denied`).
    Cancelled,
    /// The provider answered with another error.
    ProviderError,
    /// No, an expired or a forged sign-on cookie: too slow, or started in
    /// another browser.
    Expired,
    /// The `state` coming back is not the one we sent.
    StateMismatch,
    /// The provider could not be reached.
    Unavailable,
    /// The code was not exchanged (used already, expired, wrong verifier).
    Token,
    /// The ID token failed a check (signature, issuer, audience, nonce, expiry).
    InvalidToken,
    /// The provider told us no usable e-mail address, which an account needs.
    EmailMissing,
    /// A password account has the address, and the provider does not vouch
    /// for it.
    EmailUnverified,
    /// The address belongs to an account linked to another sign-on identity.
    EmailTaken,
    /// Our own fault; logged with its cause.
    Internal,
}

impl Failure {
    pub fn code(self) -> &'static str {
        match self {
            Failure::Cancelled => "cancelled",
            Failure::ProviderError => "provider_error",
            Failure::Expired => "expired",
            Failure::StateMismatch => "state_mismatch",
            Failure::Unavailable => "unavailable",
            Failure::Token => "token",
            Failure::InvalidToken => "invalid_token",
            Failure::EmailMissing => "email_missing",
            Failure::EmailUnverified => "email_unverified",
            Failure::EmailTaken => "email_taken",
            Failure::Internal => "failed",
        }
    }
}

/// An account that has the address the provider named.
#[derive(Debug, Clone, Copy)]
pub struct AccountWithEmail {
    pub id: Uuid,
    /// Whether it is linked to any sign-on identity already.
    pub has_sso_identity: bool,
}

/// Whose login this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChoice {
    /// The provider's subject is linked to this account.
    Known(Uuid),
    /// A password account with the same address, to be linked now.
    Link(Uuid),
    /// Nobody we know: a new account.
    Create,
}

/// Decides whose login a verified ID token is.
///
/// The subject (per issuer) is what identifies a person; an e-mail address
/// only leads to an existing account when the provider says it checked the
/// address. Otherwise anyone who can register `victim@example.org` at the
/// provider (a Keycloak with self-registration, say) would walk into the
/// victim's account here: that is the takeover this refuses.
pub fn choose_account(
    linked: Option<Uuid>,
    with_email: Option<AccountWithEmail>,
    email_verified: bool,
) -> Result<AccountChoice, Failure> {
    if let Some(id) = linked {
        return Ok(AccountChoice::Known(id));
    }
    match with_email {
        None => Ok(AccountChoice::Create),
        // Another subject got there first with this address: two people at
        // the provider, or an address that changed hands. Not ours to merge.
        Some(account) if account.has_sso_identity => Err(Failure::EmailTaken),
        Some(account) if email_verified => Ok(AccountChoice::Link(account.id)),
        Some(_) => Err(Failure::EmailUnverified),
    }
}

/// How an account's identity stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    Unconfirmed,
    /// Checked by an office admin against a document: the strongest we know.
    InPerson,
    /// By an earlier sign-on at this assurance level.
    Sso {
        acr: String,
    },
}

/// Whether a login at assurance level `acr` should (re)confirm the identity.
///
/// `confirmed` lists the levels that count, lowest first (the order of
/// `VR_OIDC_CONFIRMED_ACR`). A login only ever raises: an in-person check
/// stays, a level that does not count changes nothing, and an earlier
/// sign-on is replaced only by a higher level.
pub fn confirms_identity(current: &Identity, acr: Option<&str>, confirmed: &[String]) -> bool {
    let rank = |acr: &str| confirmed.iter().position(|level| level == acr);
    let Some(new_rank) = acr.and_then(rank) else {
        return false;
    };
    match current {
        Identity::Unconfirmed => true,
        Identity::InPerson => false,
        Identity::Sso { acr } => rank(acr).is_none_or(|old_rank| new_rank > old_rank),
    }
}

/// The path to go to after the login, if `raw` is one on this site.
///
/// Only an absolute path is taken: `//host/…` and `/\host/…` are read by
/// browsers as another site, and a scheme or control characters have no
/// business in a path. The page passes its own `?next=` here.
pub fn safe_return_path(raw: &str) -> Option<String> {
    let on_this_site = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        && raw.len() <= 1024
        && !raw.chars().any(|c| c.is_control() || c.is_whitespace());
    on_this_site.then(|| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Vec<String> {
        vec!["substantial".into(), "high".into()]
    }

    fn password_account() -> Option<AccountWithEmail> {
        Some(AccountWithEmail {
            id: Uuid::from_u128(7),
            has_sso_identity: false,
        })
    }

    #[test]
    fn a_linked_subject_logs_into_its_account_whatever_the_address() {
        let linked = Uuid::from_u128(1);
        assert_eq!(
            choose_account(Some(linked), password_account(), false),
            Ok(AccountChoice::Known(linked))
        );
    }

    #[test]
    fn an_unknown_address_gets_a_new_account() {
        assert_eq!(choose_account(None, None, false), Ok(AccountChoice::Create));
    }

    #[test]
    fn a_password_account_is_linked_only_to_a_verified_address() {
        assert_eq!(
            choose_account(None, password_account(), true),
            Ok(AccountChoice::Link(Uuid::from_u128(7)))
        );
        assert_eq!(
            choose_account(None, password_account(), false),
            Err(Failure::EmailUnverified)
        );
    }

    #[test]
    fn an_account_linked_to_another_subject_is_never_taken_over() {
        let taken = Some(AccountWithEmail {
            id: Uuid::from_u128(7),
            has_sso_identity: true,
        });
        assert_eq!(choose_account(None, taken, true), Err(Failure::EmailTaken));
    }

    #[test]
    fn a_counting_level_confirms_an_unconfirmed_identity() {
        assert!(confirms_identity(
            &Identity::Unconfirmed,
            Some("substantial"),
            &levels()
        ));
    }

    #[test]
    fn a_level_that_does_not_count_confirms_nothing() {
        assert!(!confirms_identity(
            &Identity::Unconfirmed,
            Some("low"),
            &levels()
        ));
        assert!(!confirms_identity(&Identity::Unconfirmed, None, &levels()));
        assert!(!confirms_identity(
            &Identity::Unconfirmed,
            Some("high"),
            &[]
        ));
    }

    #[test]
    fn an_in_person_confirmation_is_never_replaced() {
        assert!(!confirms_identity(
            &Identity::InPerson,
            Some("high"),
            &levels()
        ));
    }

    #[test]
    fn an_earlier_sign_on_is_replaced_only_by_a_higher_level() {
        let substantial = Identity::Sso {
            acr: "substantial".into(),
        };
        let high = Identity::Sso { acr: "high".into() };
        assert!(confirms_identity(&substantial, Some("high"), &levels()));
        assert!(!confirms_identity(&high, Some("substantial"), &levels()));
        assert!(!confirms_identity(&high, Some("high"), &levels()));
    }

    #[test]
    fn a_return_path_must_stay_on_this_site() {
        assert_eq!(
            safe_return_path("/rooms/42?tab=documents").as_deref(),
            Some("/rooms/42?tab=documents")
        );
        for refused in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "rooms/42",
            "/rooms/\n42",
            "",
        ] {
            assert_eq!(safe_return_path(refused), None, "{refused:?}");
        }
    }
}
