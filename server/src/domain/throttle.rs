//! How many failed logins are tolerated before login is refused for a while:
//! per account, so that nobody can try passwords against one person's
//! account (OWASP ASVS 2.2.1), and per client address, so that one machine
//! cannot try one password against many accounts.

/// Failed logins per account in the last hour before its login is refused.
pub const PER_ACCOUNT_PER_HOUR: i64 = 100;
/// Failed logins per client address in the last hour. Higher than per
/// account: a whole office may share one address behind its router.
pub const PER_ADDRESS_PER_HOUR: i64 = 500;

/// Which limit was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    Account,
    Address,
}

/// Whether another login attempt may be made, given the failures of the last
/// hour for the account and for the address.
pub fn check(account_failures: i64, address_failures: i64) -> Result<(), Limited> {
    if account_failures >= PER_ACCOUNT_PER_HOUR {
        Err(Limited::Account)
    } else if address_failures >= PER_ADDRESS_PER_HOUR {
        Err(Limited::Address)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hundred_and_first_attempt_on_an_account_is_refused() {
        assert_eq!(check(99, 0), Ok(()));
        assert_eq!(check(100, 0), Err(Limited::Account));
    }

    #[test]
    fn one_address_may_fail_more_often_than_one_account() {
        assert_eq!(check(0, 499), Ok(()));
        assert_eq!(check(0, 500), Err(Limited::Address));
    }
}
