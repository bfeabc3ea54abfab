//! The native runner: a worker thread owns the [`Session`] and trains in
//! slices of about 8 ms while playing; the window sends it commands over a
//! channel and takes what it published from an [`Inbox`] behind a mutex.
//! The UI thread never waits for training and training never waits for
//! drawing. (A web page has no threads: see `runner`.)

use super::session::{Command, Inbox, Session, Slice, Taken};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use web_time::Duration;

/// Training time per slice while playing: about a frame.
const SLICE: Duration = Duration::from_millis(8);

/// The handle the window keeps.
pub struct Worker {
    tx: Sender<Command>,
    inbox: Arc<Mutex<Inbox>>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Start the thread. `repaint` is called whenever something new is published.
    pub fn spawn(session: Session, repaint: impl Fn() + Send + 'static) -> Worker {
        let (tx, rx) = mpsc::channel();
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let shared = Arc::clone(&inbox);
        let handle = std::thread::Builder::new()
            .name("ganscope-trainer".into())
            .spawn(move || run(session, &rx, &shared, &repaint))
            .ok();
        Worker { tx, inbox, handle }
    }

    pub fn send(&self, c: Command) {
        let _ = self.tx.send(c);
    }

    /// Take what was published since the last call.
    pub fn take(&self) -> Taken {
        match self.inbox.lock() {
            Ok(mut s) => s.take(),
            Err(_) => (None, None, Vec::new()),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.tx.send(Command::Shutdown);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The thread's loop: commands, a slice of training, a publication.
fn run(mut s: Session, rx: &Receiver<Command>, inbox: &Mutex<Inbox>, repaint: &dyn Fn()) {
    loop {
        // Paused (or diverged): block until a command comes; playing: just poll.
        let first = if s.busy() {
            rx.try_recv().map_err(|e| match e {
                mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            })
        } else if s.dirty() {
            Err(RecvTimeoutError::Timeout)
        } else {
            rx.recv_timeout(std::time::Duration::from_millis(250))
        };
        match first {
            Ok(c) => {
                if !s.handle(c) {
                    return;
                }
                while let Ok(c) = rx.try_recv() {
                    if !s.handle(c) {
                        return;
                    }
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
        if s.busy() && s.train_slice(SLICE, None) == Slice::Capped {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        if s.publish_due() {
            let p = s.publish();
            if let Ok(mut i) = inbox.lock() {
                i.push(p);
            }
            repaint();
        }
    }
}
