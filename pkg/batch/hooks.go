package batch

import (
	"sync"

	"github.com/novita-cli/novita/pkg/novita"
)

// forwarders merges per-task webhook channels (Config.Webhooks) into the one stream the engine reads.
// It needs a goroutine per pending task, which is why Config.Deliveries is preferred.
type forwarders struct {
	subscribe func(id string) <-chan *novita.TaskResult
	out       chan *novita.TaskResult
	quit      chan struct{}
	wg        sync.WaitGroup

	mu   sync.Mutex
	done map[string]chan struct{} // per pending task; closed when the task is over
}

func newForwarders(subscribe func(string) <-chan *novita.TaskResult, buffer int) *forwarders {
	return &forwarders{subscribe: subscribe, out: make(chan *novita.TaskResult, buffer),
		quit: make(chan struct{}), done: map[string]chan struct{}{}}
}

func (f *forwarders) add(id string) {
	ch := f.subscribe(id)
	f.mu.Lock()
	done, dup := f.done[id]
	if !dup {
		done = make(chan struct{})
		f.done[id] = done
	}
	f.mu.Unlock()
	if dup {
		return
	}
	f.wg.Go(func() {
		for {
			select {
			case res, ok := <-ch:
				if !ok {
					return // receiver gone: polling carries on alone
				}
				select {
				case f.out <- res:
				case <-done:
					return
				case <-f.quit:
					return
				}
			case <-done:
				return
			case <-f.quit:
				return
			}
		}
	})
}

// remove ends the forwarder of a task that is over.
func (f *forwarders) remove(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if done, ok := f.done[id]; ok {
		close(done)
		delete(f.done, id)
	}
}

// stop ends every forwarder and waits for them.
func (f *forwarders) stop() {
	close(f.quit)
	f.wg.Wait()
}
