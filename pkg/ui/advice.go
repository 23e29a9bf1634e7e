package ui

// What the inspector tells its user to run where a button cannot work. The inspector is a user
// interface of this command line (its pages name commands too), so its advice has this one home: the
// server's own answers and pkg/inspect's both use these words. The CLI's engines word no command.
const (
	NoReplay = "replay sends events to your app through a running receiver: run: novita listen --ui --forward-to URL"
	// NoReplayListen is a receiver started without a forward target: it must be restarted with one.
	NoReplayListen = "replay needs a forward target: restart with: novita listen --ui --forward-to URL"
	NoTestEvent    = "test events are delivered to a running receiver: run: novita listen --ui (add --forward-to URL to relay them to your app)"
)

// NoDownload is the answer of the download button where nothing can download: wait for the task.
func NoDownload(taskID string) string {
	return "downloads are not available here: run: novita wait " + taskID
}

// expired is the answer of the download button once every output URL has expired.
func expired(taskID string) string {
	return "the output URLs of task " + taskID + " have expired (Novita keeps them about an hour); run it again with: novita rerun " + taskID
}
