// Package sandbox owns the local Novita-compatible simulator behind `novita sandbox` and `--sandbox`, and
// the fake API every other package's tests run against. It follows novita-api.md as far as it is known.
//
// API: POST /v3/async/<endpoint> answers {"task_id"}; GET /v3/async/task-result?task_id= answers the
// task result (pkg/novita decodes it). Auth is "Authorization: Bearer <key>" or the bare key: missing ->
// 400 MISSING_API_KEY, wrong -> 403 INVALID_API_KEY. Errors are {code, reason, message, metadata}.
// Unknown endpoint -> 404 API_NOT_FOUND, unknown task -> 404 TASK_NOT_FOUND.
//
// Endpoints and validation come from the catalog specs (pkg/catalog/spec): every catalog endpoint is
// served at its path, asynchronous ones under /v3/async/<name> (or their own path: the unified
// POST /v3/video/create answers a task id too, its webhook in callback_url), synchronous ones at
// /v3/<name> or /v3beta/<name> (a synchronous name under /v3/async/ answers 404 API_NOT_FOUND, as on
// Novita). A body
// that breaks its spec answers 400 INVALID_REQUEST_BODY naming the first bad field in spec order
// ("request.prompt: length must be between 1 and 1024"); unknown fields are ignored. task_type is the
// spec's confirmed value, else the catalog's stand-in derived from the name (INPAINTING).
//
// Outputs follow the spec's kind and output-format field (role output-type): images png|jpeg|webp
// (lossless VP8L), video mp4|gif, audio
// wav|mp3|flac|pcm (MiniMax speech defaults to mp3, as on Novita). remove-background answers a PNG whose
// background is transparent; glm-asr answers a transcript. GET /v3/user answers the account
// (credit_balance, as Novita's SDKs read it) beside the billing API's balance.
// Sizes come from width/height, size, resolution, aspect_ratio or the input image (times scale_factor),
// or their spec defaults. Synchronous endpoints answer at once in the spec's response shape: base64
// image_file/image_type, images[] links, image_urls[] or binary_data_base64[] (per response_format), hex
// audio with extra_info.audio_format (a link with output_format url), a raw WAV body (glm-tts) or text
// (img2prompt, glm-asr); a "[fail]" prompt answers 500 TASK_FAILED.
//
// extra (asynchronous tasks): enable_nsfw_detection, webhook{url, test_mode{enabled, return_task_status}};
// RejectExtra makes an endpoint refuse extra (400 INVALID_REQUEST_BODY naming it), as an endpoint whose
// page lists no extra might. The reference pages drive the rest: GET /v3/model pages with opaque cursors
// (c_ + base64), SubmitError answers any reason of the error page with its status (INVALID_IMAGE_SIZE 400,
// BILLING_FAILED 500, NEED_REAL_NAME_VERIFY 403, ...), MiniMax synchronous answers carry trace_id and
// base_resp {status_code 0, status_msg success}, and BaseRespError makes them fail inside a 200 as MiniMax does.
//
// Lifecycle: status follows Options.Now: QUEUED for the first fifth of TaskDuration, PROCESSING with
// progress_percent rising and eta falling, then SUCCEED, or FAILED when the prompt contains "[fail]" or
// FailRate says so. Outputs are real files generated deterministically from seed and prompt (seed -1 or
// none draws a random seed, reported in extra.seed): PNG/JPEG images at the requested size, a 16 kHz mono
// WAV per text whose length follows the text (silent MPEG-1 Layer III frames of that length for mp3), an
// animated GIF or an H.264 Constrained Baseline MP4 that browsers play (ftyp, moov, mdat; VideoPadBytes
// adds a trailing free box, streamed without buffering). Output URLs look presigned (X-Amz-Date, X-Amz-Expires, X-Amz-Signature),
// are re-signed on every read, and answer S3-style 403 AccessDenied XML when expired, revoked by
// ExpireAllURLs, or tampered with. Downloads support Range (http.ServeContent).
//
// LoRA training (training.go): POST /v3/assets/training_dataset answers an assets_id and a signed PUT URL
// (the PUT must carry a PNG, JPEG or WebP image), POST /v3/training/subject|style checks its body with the
// training spec of pkg/catalog and refuses assets never uploaded, GET /v3/training/<kind>?task_id= moves
// QUEUING, TRAINING, then SUCCESS with a SERVING model (FAILED when the name holds "[fail]") over
// TaskDuration, and GET /v3/training lists the tasks with opaque cursors.
//
// Webhooks: with extra.webhook.url the result is POSTed as {"event_type":"ASYNC_TASK_RESULT","payload"} when
// the task ends, with Novita's policy (5 s timeout, up to 5 retries on error or non-2xx, backoff doubling
// from WebhookRetryBackoff). Test mode sends the requested status at once; its task id is unknown to
// task-result, but SUCCEED outputs are downloadable.
package sandbox
