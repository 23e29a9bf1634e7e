// Package sandbox owns the local Novita-compatible simulator behind `novita sandbox` and `--sandbox`, and
// the fake API every other package's tests run against. It follows novita-api.md as far as it is known.
//
// API: POST /v3/async/<endpoint> answers {"task_id"}; GET /v3/async/task-result?task_id= answers the
// task result (pkg/novita decodes it). Auth is "Authorization: Bearer <key>" or the bare key: missing ->
// 400 MISSING_API_KEY, wrong -> 403 INVALID_API_KEY. Errors are {code, reason, message, metadata}.
// Unknown endpoint -> 404 API_NOT_FOUND, unknown task -> 404 TASK_NOT_FOUND.
//
// Validation (400 INVALID_REQUEST_BODY naming the first bad field, e.g. "request.prompt: length must be
// between 1 and 1024"). The sandbox has its own table, independent of pkg/catalog. Required fields are the
// starred ones of novita-api.md plus each endpoint's essential input; other known fields are range-checked
// when present; unknown fields are ignored.
//
//	txt2img      request.{model_name, prompt 1-1024, width/height 128-2048, image_num 1-8, steps 1-100,
//	             guidance_scale 1-30, sampler_name}
//	img2img      txt2img + request.image_base64 (raw base64, a data: prefix is refused)
//	inpainting   request.{model_name, image_base64, mask_image_base64, prompt}
//	upscale      request.image_base64 (scale_factor 1-4, default 2)
//	txt2speech   request.{voice_id Emily|James|Olivia|Michael|Sarah|John, language en-US|zh-CN|ja-JP, texts 1-32}
//	txt2video    prompts[{prompt, frames}]          img2video           image_file (model_name SVD|SVD-XT)
//	hunyuan-video-fast, wan-t2v, kling-v2.1-t2v-master (duration 5|10), minimax-hailuo-02 (image: URL or
//	data URI; duration 6|10; resolution 512P|768P|1080P): prompt
//
// extra: response_image_type png|jpeg (webp is refused: "response_image_type webp is not supported by the
// sandbox"), response_video_type mp4|gif, response_audio_type wav (mp3 refused the same way),
// enable_nsfw_detection, webhook{url, test_mode{enabled, return_task_status}}.
//
// Lifecycle: status follows Options.Now: QUEUED for the first fifth of TaskDuration, PROCESSING with
// progress_percent rising and eta falling, then SUCCEED, or FAILED when the prompt contains "[fail]" or
// FailRate says so. Outputs are real files generated deterministically from seed and prompt (seed -1 is
// derived from the prompt): PNG/JPEG images at the requested size, a 16 kHz mono WAV per text whose length
// follows the text, an animated GIF or an MJPEG MP4 (ftyp, mdat, moov; VideoPadBytes adds a trailing free
// box, streamed without buffering). Output URLs look presigned (X-Amz-Date, X-Amz-Expires, X-Amz-Signature),
// are re-signed on every read, and answer S3-style 403 AccessDenied XML when expired, revoked by
// ExpireAllURLs, or tampered with. Downloads support Range (http.ServeContent).
//
// Webhooks: with extra.webhook.url the result is POSTed as {"event_type":"ASYNC_TASK_RESULT","payload"} when
// the task ends, with Novita's policy (5 s timeout, up to 5 retries on error or non-2xx, backoff doubling
// from WebhookRetryBackoff). Test mode sends the requested status at once; its task id is unknown to
// task-result, but SUCCEED outputs are downloadable.
package sandbox
