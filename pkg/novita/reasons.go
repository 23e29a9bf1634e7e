package novita

// Error reasons of the image, video and audio APIs, as the reference's error page lists them
// (https://novita.ai/docs/api-reference/basic-error-code), with the HTTP status each comes with.
const (
	ReasonInvalidRequestBody        = "INVALID_REQUEST_BODY"
	ReasonImageFileExceedsMaxSize   = "IMAGE_FILE_EXCEEDS_MAX_SIZE"
	ReasonInvalidImageFormat        = "INVALID_IMAGE_FORMAT"
	ReasonImageExceedsMaxResolution = "IMAGE_EXCEEDS_MAX_RESOLUTION"
	ReasonInvalidImageSize          = "INVALID_IMAGE_SIZE"
	ReasonAPINotFound               = "API_NOT_FOUND"
	ReasonImageNoFaceDetected       = "IMAGE_NO_FACE_DETECTED"
	ReasonInvalidCustomOutputPath   = "INVALID_CUSTOM_OUTPUT_PATH"
	ReasonIllegalPrompt             = "ILLEGAL_PROMPT"
	ReasonIllegalImageContent       = "ILLEGAL_IMAGE_CONTENT"
	ReasonInvalidAudioFile          = "INVALID_AUDIO_FILE"
	ReasonBillingFailed             = "BILLING_FAILED"
	ReasonBillingAuthFailed         = "BILLING_AUTH_FAILED"
	ReasonBillingBalanceNotEnough   = "BILLING_BALANCE_NOT_ENOUGH"
	ReasonMissingAPIKey             = "MISSING_API_KEY"
	ReasonInvalidAPIKey             = "INVALID_API_KEY"
	ReasonFeatureNotAllowed         = "FEATURE_NOT_ALLOWED"
	ReasonAPINotAllowed             = "API_NOT_ALLOWED"
	ReasonRateLimitExceeded         = "RATE_LIMIT_EXCEEDED"
	ReasonNeedRealNameVerify        = "NEED_REAL_NAME_VERIFY"
	ReasonCreateTaskFailed          = "CREATE_TASK_FAILED"
	ReasonTaskNotFound              = "TASK_NOT_FOUND"
	ReasonGetResultFailed           = "GET_RESULT_FAILED"
	ReasonTaskFailed                = "TASK_FAILED"
)

// ReasonStatus is the HTTP status the error page gives a reason; false for a reason it does not list.
func ReasonStatus(reason string) (int, bool) {
	switch reason {
	case ReasonInvalidRequestBody, ReasonImageFileExceedsMaxSize, ReasonInvalidImageFormat, ReasonImageExceedsMaxResolution,
		ReasonInvalidImageSize, ReasonImageNoFaceDetected, ReasonInvalidCustomOutputPath, ReasonIllegalPrompt,
		ReasonIllegalImageContent, ReasonInvalidAudioFile, ReasonBillingBalanceNotEnough, ReasonMissingAPIKey:
		return 400, true
	case ReasonBillingAuthFailed, ReasonInvalidAPIKey, ReasonFeatureNotAllowed, ReasonAPINotAllowed, ReasonNeedRealNameVerify:
		return 403, true
	case ReasonAPINotFound, ReasonTaskNotFound:
		return 404, true
	case ReasonRateLimitExceeded:
		return 429, true
	case ReasonBillingFailed, ReasonCreateTaskFailed, ReasonGetResultFailed, ReasonTaskFailed:
		return 500, true
	}
	return 0, false
}

// documentedReasons lists the reasons of the error page, in its order.
func documentedReasons() []string {
	return []string{ReasonInvalidRequestBody, ReasonImageFileExceedsMaxSize, ReasonInvalidImageFormat,
		ReasonImageExceedsMaxResolution, ReasonInvalidImageSize, ReasonAPINotFound, ReasonImageNoFaceDetected,
		ReasonInvalidCustomOutputPath, ReasonIllegalPrompt, ReasonIllegalImageContent, ReasonInvalidAudioFile,
		ReasonBillingFailed, ReasonBillingAuthFailed, ReasonBillingBalanceNotEnough, ReasonMissingAPIKey,
		ReasonInvalidAPIKey, ReasonFeatureNotAllowed, ReasonAPINotAllowed, ReasonRateLimitExceeded,
		ReasonNeedRealNameVerify, ReasonCreateTaskFailed, ReasonTaskNotFound, ReasonGetResultFailed, ReasonTaskFailed}
}
