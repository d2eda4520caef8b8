//! Optional virus scanning through a ClamAV daemon (`VR_CLAMD_ADDRESS`).
//!
//! A stored object is streamed to clamd before its version is recorded, so
//! a file becomes visible only after a clean answer. Anything but a clean
//! answer keeps it out: a finding, and also a file clamd could not check
//! completely (larger than its StreamMaxLength, say), which is never taken
//! for clean.

use futures::TryStreamExt;
use object_store::ObjectStoreExt;
use object_store::path::Path;

use crate::store::Store;

/// What clamd said about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// Malware found, with the signature's name.
    Infected(String),
    /// clamd did not check it completely, with its words.
    Unchecked(String),
}

/// Streams the object at `key` to clamd at `address` (`host:port`).
/// An error means clamd could not be asked at all.
pub async fn scan(store: &Store, key: &Path, address: &str) -> anyhow::Result<Verdict> {
    let object = store.inner.get(key).await?;
    let bytes = object.into_stream().map_err(std::io::Error::other);
    let connection = clamav_client::tokio::Tcp {
        host_address: address,
    };
    match clamav_client::tokio::scan_stream(bytes, connection, Some(256 * 1024)).await {
        Ok(answer) => Ok(verdict(&answer)),
        // clamd stops reading and hangs up once a stream passes its
        // StreamMaxLength; whatever the cause, the file was not checked.
        Err(err) if broke_off(&err) => Ok(Verdict::Unchecked(format!(
            "the scanner broke off reading the file ({err}), as it does past its size limit"
        ))),
        Err(err) => Err(err.into()),
    }
}

fn broke_off(err: &std::io::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset};
    matches!(err.kind(), BrokenPipe | ConnectionReset | ConnectionAborted)
}

/// Reads clamd's answer to INSTREAM: `stream: OK`, `stream: <name> FOUND`,
/// or an error such as `INSTREAM size limit exceeded. ERROR`.
fn verdict(answer: &[u8]) -> Verdict {
    let text = String::from_utf8_lossy(answer);
    let text = text.trim_end_matches(['\0', '\n']).trim();
    let said = text.strip_prefix("stream:").map(str::trim);
    match said {
        Some("OK") => Verdict::Clean,
        Some(found) if found.ends_with(" FOUND") => {
            Verdict::Infected(found.trim_end_matches(" FOUND").to_owned())
        }
        _ => Verdict::Unchecked(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_ok_is_clean() {
        assert_eq!(verdict(b"stream: OK\0"), Verdict::Clean);
        assert_eq!(
            verdict(b"stream: Eicar-Signature FOUND\0"),
            Verdict::Infected("Eicar-Signature".into())
        );
        assert_eq!(
            verdict(b"INSTREAM size limit exceeded. ERROR\0"),
            Verdict::Unchecked("INSTREAM size limit exceeded. ERROR".into())
        );
        assert!(matches!(verdict(b""), Verdict::Unchecked(_)));
        assert!(matches!(verdict(b"stream: OK FOUND"), Verdict::Infected(_)));
    }
}
