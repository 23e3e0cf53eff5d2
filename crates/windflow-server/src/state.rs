//! Application state built once in `Application::build` and shared through `web::Data`.
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};
use windflow_core::Core;

/// Shared state of every worker.
#[derive(Clone)]
pub struct AppState {
    /// Services.
    pub core: Core,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Forced `Secure` cookie attribute (`None` = by request scheme).
    pub cookie_secure: Option<bool>,
    /// Trust proxy headers for the client IP.
    pub trust_proxy_headers: bool,
    /// The OpenAPI document, rendered once.
    pub openapi_json: std::sync::Arc<String>,
    /// Directory of the built web app, if any.
    pub web_dir: Option<std::path::PathBuf>,
    /// The API's path templates, methods and body types, from the OpenAPI document (for the
    /// contract middleware).
    pub routes: std::sync::Arc<Vec<crate::openapi::Route>>,
    /// `http.metrics_token`: the bearer token `/metrics` requires, if set.
    pub metrics_token: Option<crate::config::Secret>,
}

/// Request metrics, labelled by method, route pattern (not raw path) and status.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Metrics {
    /// Registers the collectors in a fresh registry (one per application, no global state).
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        let labels = ["method", "route", "status"];
        let requests = IntCounterVec::new(
            Opts::new("windflow_http_requests_total", "HTTP requests served"),
            &labels,
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "windflow_http_request_duration_seconds",
                "HTTP request latency in seconds",
            )
            .buckets(vec![
                0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &labels,
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
        })
    }

    /// Records one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let l = [method, route, status.as_str()];
        self.requests.with_label_values(&l).inc();
        self.latency.with_label_values(&l).observe(seconds);
    }

    /// Prometheus text exposition format 0.0.4.
    pub fn render(&self) -> String {
        TextEncoder::new()
            .encode_to_string(&self.registry.gather())
            .unwrap_or_default()
    }
}
