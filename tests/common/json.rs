//! Shape assertions on JSON answers, and the clock they are checked against.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// The wall clock in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Asserts `value` is within `slack` of `expected`.
pub fn assert_near(value: i64, expected: i64, slack: i64, what: &str) {
    assert!(
        (value - expected).abs() <= slack,
        "{what}: {value} is not within {slack} of {expected}"
    );
}

/// Asserts a code looks like `xxxx-xxxx-xxxxx` in lower-case Crockford base32.
pub fn assert_code_format(code: &str) {
    assert_eq!(code.len(), 15, "{code}");
    for (i, c) in code.chars().enumerate() {
        if i == 4 || i == 9 {
            assert_eq!(c, '-', "{code}");
        } else {
            assert!(
                "0123456789abcdefghjkmnpqrstvwxyz".contains(c),
                "{c:?} in {code}"
            );
        }
    }
}

/// Asserts a native room envelope's full shape: every documented field,
/// typed.
pub fn assert_envelope_shape(envelope: &Value) {
    assert!(envelope["version"].is_u64(), "{envelope}");
    assert_near(
        envelope["server_time_ms"].as_i64().unwrap(),
        now_ms(),
        2_000,
        "server_time_ms",
    );
    let room = &envelope["room"];
    assert_code_format(room["code"].as_str().unwrap());
    assert!(room["status"].is_string(), "{room}");
    let participants = room["participants"].as_array().unwrap();
    assert!(participants.iter().all(Value::is_string), "{room}");
    assert_eq!(room["driver"], participants[0], "{room}");
    assert_eq!(room["navigator"], participants[1], "{room}");
    assert!(room["present"].is_array(), "{room}");
    let timer = &room["timer"];
    assert!(timer["state"].is_string(), "{timer}");
    assert!(timer["phase_index"].is_u64(), "{timer}");
    assert!(timer["phase_label"].is_string(), "{timer}");
    assert!(timer["phase_duration_ms"].is_u64(), "{timer}");
    assert!(timer["remaining_ms"].is_u64(), "{timer}");
    assert!(timer["completed_rounds"].is_u64(), "{timer}");
    assert!(
        timer["ends_at_ms"].is_null() || timer["ends_at_ms"].is_i64(),
        "{timer}"
    );
    assert!(timer["plan"]["auto_advance"].is_boolean(), "{timer}");
    for phase in timer["plan"]["phases"].as_array().unwrap() {
        assert!(phase["label"].is_string(), "{phase}");
        assert!(phase["duration_ms"].is_u64(), "{phase}");
    }
}
