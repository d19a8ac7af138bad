//! The real binary, stopped with SIGTERM or Ctrl-C (SIGINT) while requests are
//! in flight.

use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use ssw_api::domain::Role;

use crate::helpers::{PASSWORD, TestApp};

#[actix_web::test]
async fn sigterm_lets_in_flight_requests_finish_and_the_process_exits_cleanly() {
    stops_gracefully_on("TERM").await;
}

#[actix_web::test]
async fn ctrl_c_lets_in_flight_requests_finish_like_sigterm() {
    stops_gracefully_on("INT").await;
}

async fn stops_gracefully_on(signal: &str) {
    let app = TestApp::spawn().await;
    let user = app.create_user(Role::Reader, None, None).await;
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssw-api"))
        .arg("serve")
        .env("DATABASE_URL", &app.database_url)
        .env("SSW_BIND", format!("127.0.0.1:{port}"))
        .env(
            "SSW_JWT_SECRET",
            "a-test-secret-of-at-least-thirty-two-bytes",
        )
        .env("SSW_WORKERS", "2")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if client
            .get(format!("{base}/health/ready"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server did not start");

    // Logins cost a password hash each and queue behind one another: slow
    // requests. A client of their own, so that none of them lands on the idle
    // keep-alive connection of the probe above.
    let login_client = reqwest::Client::new();
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let request = login_client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"email": user.email, "password": PASSWORD}))
                .send();
            actix_web::rt::spawn(request)
        })
        .collect();
    let logins: Vec<_> = handles.into_iter().collect();
    // A request the server has not yet taken up when it stops is refused, as a
    // connection arriving then would be. The signal goes once the server is
    // handling every login that has not been answered: its in-flight gauge,
    // less the scrape itself, equals the number of those logins.
    let mut handling = 0;
    for _ in 0..1000 {
        let waiting = logins.iter().filter(|h| !h.is_finished()).count();
        let in_flight = in_flight(&client, &base).await - 1;
        if waiting > 0 && in_flight == waiting {
            handling = waiting;
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert!(handling > 1, "the server never handled the logins together");
    let killed = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // As soon as the server has taken in the signal, new connections are
    // refused, and stay refused, while the logins finish.
    let attempt = || {
        reqwest::Client::new()
            .get(format!("{base}/health/live"))
            .timeout(Duration::from_secs(2))
            .send()
    };
    let mut refused = false;
    for _ in 0..100 {
        if attempt().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        refused,
        "new connections were still served after SIG{signal}"
    );
    let in_flight = logins.iter().filter(|h| !h.is_finished()).count();
    assert!(attempt().await.is_err(), "a refused server served again");
    eprintln!(
        "signal sent with {handling} logins handled; new connections refused with {in_flight} in flight"
    );
    let mut answers = Vec::new();
    for login in logins {
        answers.push(login.await.unwrap());
    }
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    for answer in answers {
        let response = answer.unwrap_or_else(|e| {
            panic!("an in-flight request was cut off (the server ended with {status}): {e:?}")
        });
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert!(status.success(), "exit status {status}");
    // Once stopped, it takes no new connections.
    assert!(
        client
            .get(format!("{base}/health/live"))
            .send()
            .await
            .is_err()
    );
}

/// The server's `ssw_http_requests_in_flight`, the scrape included.
async fn in_flight(client: &reqwest::Client, base: &str) -> usize {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("ssw_http_requests_in_flight "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no in-flight gauge in {text}"))
}
