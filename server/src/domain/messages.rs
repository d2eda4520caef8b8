//! The rules of messages in a room, free of HTTP and SQL: the limits of a
//! message, who reads a thread of each visibility, and what a message may
//! name (people who read the thread, documents every reader may see).
//!
//! Who may start or write in a thread is `policy::check_message`; the SQL
//! is `repo::messages`; the endpoints are `handlers::messages`.

use shared::{RoomRole, ThreadVisibility};
use uuid::Uuid;

use super::policy;

/// The longest subject of a thread, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// The longest message, in characters (not bytes: umlauts count once).
pub const MAX_TEXT_CHARS: usize = 10_000;
/// At most this many people mentioned in one message.
pub const MAX_MENTIONS: usize = 20;
/// At most this many documents referred to in one message.
pub const MAX_DOCUMENTS: usize = 20;

/// One kind of reader of a room: a role, and the body a body's member
/// answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    pub role: RoomRole,
    pub body_id: Option<Uuid>,
}

impl Reader {
    pub fn reads(self, visibility: ThreadVisibility) -> bool {
        policy::sees(self.role, self.body_id, visibility.audience())
    }
}

/// The kinds of reader a thread of this visibility has. A document a
/// message refers to must be visible to each, so that no reader meets a
/// reference they cannot open (and learns of a document hidden from them).
/// The applicants' roles all see the same documents, so one stands for all.
pub fn readers(visibility: ThreadVisibility) -> Vec<Reader> {
    let office = Reader {
        role: RoomRole::Caseworker,
        body_id: None,
    };
    match visibility {
        ThreadVisibility::Room => vec![
            Reader {
                role: RoomRole::Builder,
                body_id: None,
            },
            office,
        ],
        ThreadVisibility::Office => vec![office],
        ThreadVisibility::Body { body_id } => vec![
            Reader {
                role: RoomRole::ConsultedBody,
                body_id: Some(body_id),
            },
            office,
        ],
    }
}

/// The ids in the order given, each once: a person ticked twice is
/// mentioned once.
pub fn unique(ids: &[Uuid]) -> Vec<Uuid> {
    let mut seen = Vec::with_capacity(ids.len());
    for id in ids {
        if !seen.contains(id) {
            seen.push(*id);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_thread_is_read_by_the_applicants_and_the_office_but_no_body() {
        let body = Uuid::now_v7();
        let room = ThreadVisibility::Room;
        for role in [
            RoomRole::Builder,
            RoomRole::Designer,
            RoomRole::OtherApplicant,
            RoomRole::Caseworker,
        ] {
            assert!(
                Reader {
                    role,
                    body_id: None
                }
                .reads(room),
                "{role:?}"
            );
        }
        let member = Reader {
            role: RoomRole::ConsultedBody,
            body_id: Some(body),
        };
        assert!(!member.reads(room));
    }

    #[test]
    fn an_office_note_is_read_by_the_office_alone() {
        let note = ThreadVisibility::Office;
        assert_eq!(readers(note).len(), 1);
        assert!(readers(note)[0].reads(note));
        let builder = Reader {
            role: RoomRole::Builder,
            body_id: None,
        };
        assert!(!builder.reads(note));
    }

    #[test]
    fn a_bodys_thread_is_read_by_that_body_and_the_office_only() {
        let fire = Uuid::now_v7();
        let nature = Uuid::now_v7();
        let thread = ThreadVisibility::Body { body_id: fire };
        let member = |body| Reader {
            role: RoomRole::ConsultedBody,
            body_id: Some(body),
        };
        assert!(member(fire).reads(thread));
        assert!(!member(nature).reads(thread));
        assert!(readers(thread).iter().all(|r| r.reads(thread)));
    }

    #[test]
    fn a_person_ticked_twice_is_mentioned_once_in_the_order_given() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(unique(&[b, a, b]), vec![b, a]);
    }
}
