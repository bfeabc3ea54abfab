//! Where the training steps run: the one seam between the native window
//! and the web page. Everything else in the window — state, controls,
//! plots, files — talks to a [`Runner`] and does not know which it is.
//!
//! - [`Runner::Thread`] (native only): a worker thread owns the session and
//!   trains while the UI thread draws (`thread`).
//! - [`Runner::InFrame`]: the session lives on the UI thread and trains for
//!   a time budget inside each frame, before the frame is drawn. A web page
//!   (`wasm32-unknown-unknown`) has no threads, so this is how it trains; a
//!   native window can run this way too ([`Steps::InFrame`]).
//!
//! Both carry out the same [`Command`]s on the same [`Session`] and hand
//! the window the same publications, so a run is the same bit for bit
//! wherever its steps run.

use super::frame_budget::{FRAME_MAX_STEPS, FrameBudget};
use super::session::{Command, Inbox, Session, Taken};
#[cfg(not(target_arch = "wasm32"))]
use super::thread::Worker;
use crate::gan::Trainer;

/// Where the steps run (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Steps {
    /// On a worker thread (native only).
    Thread,
    /// Inside the frame loop, a time budget per frame.
    InFrame,
}

impl Default for Steps {
    /// A thread where there are threads, the frame loop on the web.
    fn default() -> Self {
        if cfg!(target_arch = "wasm32") {
            Steps::InFrame
        } else {
            Steps::Thread
        }
    }
}

/// The session and where its steps run.
pub enum Runner {
    #[cfg(not(target_arch = "wasm32"))]
    Thread(Worker),
    InFrame(Box<InFrame>),
}

/// The session on the UI thread, and what it published since the window
/// last took it.
pub struct InFrame {
    session: Session,
    inbox: Inbox,
    budget: FrameBudget,
}

impl Runner {
    /// A paused session on `trainer`, run as `steps` asks (in the frame loop
    /// on wasm32 whatever it asks). `repaint` is called when a thread
    /// published something new.
    pub fn start(trainer: Trainer, steps: Steps, repaint: impl Fn() + Send + 'static) -> Runner {
        let session = Session::new(trainer);
        match steps {
            #[cfg(not(target_arch = "wasm32"))]
            Steps::Thread => Runner::Thread(Worker::spawn(session, repaint)),
            _ => {
                let _ = repaint;
                Runner::InFrame(Box::new(InFrame {
                    session,
                    inbox: Inbox::default(),
                    budget: FrameBudget::default(),
                }))
            }
        }
    }

    /// Ask the session for something; a thread does it soon, the frame loop
    /// at once.
    pub fn send(&mut self, c: Command) {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Runner::Thread(w) => w.send(c),
            Runner::InFrame(f) => {
                f.session.handle(c);
            }
        }
    }

    /// Called once per frame, before drawing: in the frame loop, train for
    /// the [`FrameBudget`] while playing and publish when due. Returns
    /// whether the session needs another frame soon (it is playing, or has
    /// something to publish); a thread wakes the window itself.
    pub fn frame(&mut self) -> bool {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Runner::Thread(_) => false,
            Runner::InFrame(f) => {
                let budget = f.budget.next();
                let t0 = web_time::Instant::now();
                // A capped slice simply waits for a later frame.
                let _ = f.session.train_slice(budget, Some(FRAME_MAX_STEPS));
                f.budget.trained(t0.elapsed());
                if f.session.publish_due() {
                    f.inbox.push(f.session.publish());
                }
                f.session.busy() || f.session.dirty()
            }
        }
    }

    /// Whether the frame loop has something to publish at the next frame
    /// (a command it carried out); a thread publishes on its own.
    pub fn pending(&self) -> bool {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Runner::Thread(_) => false,
            Runner::InFrame(f) => f.session.dirty(),
        }
    }

    /// Take what was published since the last call.
    pub fn take(&mut self) -> Taken {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Runner::Thread(w) => w.take(),
            Runner::InFrame(f) => f.inbox.take(),
        }
    }
}
