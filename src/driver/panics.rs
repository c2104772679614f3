//! A panic inside one file's processing is a bug reported for that file, not a crash: the
//! default hook's message stays off stderr for worker threads, and the payload becomes text.

use std::any::Any;
use std::panic;

/// Keeps the default hook quiet for worker threads (named `static-first-*`); their panics are
/// caught and reported as that file's error.
pub fn quiet_worker_panics() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !std::thread::current().name().is_some_and(|n| n.starts_with("static-first-")) {
            default(info);
        }
    }));
}

pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_reported_as_messages() {
        let payload = panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        assert_eq!(panic_message(payload.as_ref()), "boom 1");
    }
}
