// Command tiltcheck checks a Tiltfile as far as a machine without Docker, Kubernetes or Tilt
// allows: it evaluates the Tiltfile with go.starlark.net, the Starlark dialect Tilt uses, with
// Tilt's builtins stubbed (helm() runs the real `helm template`), then checks that
//
//   - the Tiltfile and what it loads evaluate without error, with Tilt's argument names;
//
//   - every path it names exists (YAML, charts, values, Dockerfile, build context entries,
//     live-update sources, scripts run by local resources, their deps);
//
//   - every k8s_resource names a workload of the YAML it loaded, every object selector matches
//     exactly one object that no other resource claims, every resource_deps entry names a
//     resource, and the dependencies have no cycle;
//
//   - every image it builds is used by a workload, and every workload of the chart runs an image
//     it builds; no object is left uncategorized.
//
//     tiltcheck [Tiltfile]
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
	"gopkg.in/yaml.v3"
)

type object struct {
	Kind, Name, Namespace string
	Images                []string
	Labels                map[string]string
	// A workload's pod template annotations (where k8s_kind may say an image is named).
	PodAnnotations map[string]string
	claimedBy      string
}

type resource struct {
	name string
	deps []string
}

type checker struct {
	dir       string
	problems  []string
	objects   []*object
	resources map[string]*resource
	renamed   map[string]string
	images    map[string]bool
	// k8s_kind: kind → the pod template annotations that name an image.
	annotationImages map[string][]string
	paths            int
	modules          map[string]starlark.StringDict
}

func (c *checker) problem(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// path checks that a path named by the Tiltfile exists, relative to the Tiltfile's folder (or base).
func (c *checker) path(what, p, base string) string {
	if base == "" {
		base = c.dir
	}
	full := p
	if !filepath.IsAbs(p) {
		full = filepath.Join(base, p)
	}
	c.paths++
	if _, err := os.Stat(full); err != nil {
		c.problem("%s: %s does not exist", what, p)
	}
	return full
}

// ---- values ---------------------------------------------------------------------------------------

// blob is Tilt's Blob: a string of content rather than a path.
type blob string

func (b blob) String() string        { return string(b) }
func (b blob) Type() string          { return "blob" }
func (b blob) Freeze()               {}
func (b blob) Truth() starlark.Bool  { return len(b) > 0 }
func (b blob) Hash() (uint32, error) { return starlark.String(b).Hash() }

// step is a live-update step or another opaque value Tilt returns (link, port_forward).
type step struct {
	kind  string
	attrs map[string]starlark.Value
}

func (s *step) String() string        { return s.kind + "(...)" }
func (s *step) Type() string          { return s.kind }
func (s *step) Freeze()               {}
func (s *step) Truth() starlark.Bool  { return true }
func (s *step) Hash() (uint32, error) { return 0, errors.New("unhashable") }

func toStarlark(v any) starlark.Value {
	switch x := v.(type) {
	case nil:
		return starlark.None
	case bool:
		return starlark.Bool(x)
	case int:
		return starlark.MakeInt(x)
	case int64:
		return starlark.MakeInt64(x)
	case float64:
		return starlark.Float(x)
	case string:
		return starlark.String(x)
	case []any:
		l := make([]starlark.Value, len(x))
		for i, e := range x {
			l[i] = toStarlark(e)
		}
		return starlark.NewList(l)
	case map[string]any:
		d := starlark.NewDict(len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			_ = d.SetKey(starlark.String(k), toStarlark(x[k]))
		}
		return d
	default:
		return starlark.String(fmt.Sprint(x))
	}
}

func decodeStream(text string) ([]map[string]any, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var out []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if doc != nil {
			out = append(out, doc)
		}
	}
}

func str(v starlark.Value) string {
	switch x := v.(type) {
	case starlark.String:
		return string(x)
	case blob:
		return string(x)
	case nil:
		return ""
	}
	return v.String()
}

// strs reads a string or a list of strings.
func strs(v starlark.Value) []string {
	switch x := v.(type) {
	case nil, starlark.NoneType:
		return nil
	case starlark.String:
		return []string{string(x)}
	case *starlark.List:
		var out []string
		for i := range x.Len() {
			out = append(out, str(x.Index(i)))
		}
		return out
	case starlark.Tuple:
		var out []string
		for _, e := range x {
			out = append(out, str(e))
		}
		return out
	}
	return []string{str(v)}
}

// args binds positional and keyword arguments to a builtin's parameter names (Tilt's names:
// an unknown keyword is an error, as in Tilt).
func args(fn string, params []string, a starlark.Tuple, kw []starlark.Tuple) (map[string]starlark.Value, error) {
	out := map[string]starlark.Value{}
	if len(a) > len(params) {
		return nil, fmt.Errorf("%s: too many positional arguments", fn)
	}
	for i, v := range a {
		out[params[i]] = v
	}
	for _, pair := range kw {
		k := string(pair[0].(starlark.String))
		if !contains(params, k) {
			return nil, fmt.Errorf("%s: unexpected keyword argument %q", fn, k)
		}
		out[k] = pair[1]
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// ---- builtins -------------------------------------------------------------------------------------

func (c *checker) builtins() starlark.StringDict {
	b := func(name string, params []string, fn func(map[string]starlark.Value) (starlark.Value, error)) *starlark.Builtin {
		return starlark.NewBuiltin(name, func(_ *starlark.Thread, _ *starlark.Builtin, a starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
			m, err := args(name, params, a, kw)
			if err != nil {
				return nil, err
			}
			return fn(m)
		})
	}
	none := func(map[string]starlark.Value) (starlark.Value, error) { return starlark.None, nil }
	opaque := func(kind string) func(map[string]starlark.Value) (starlark.Value, error) {
		return func(m map[string]starlark.Value) (starlark.Value, error) { return &step{kind, m}, nil }
	}
	return starlark.StringDict{
		"version_settings": b("version_settings", []string{"check_updates", "constraint"}, none),
		"update_settings": b("update_settings", []string{"max_parallel_updates", "k8s_upsert_timeout_secs",
			"suppress_unused_image_warnings"}, none),
		"blob": b("blob", []string{"contents"}, func(m map[string]starlark.Value) (starlark.Value, error) {
			return blob(str(m["contents"])), nil
		}),
		"link":         b("link", []string{"url", "name"}, opaque("link")),
		"port_forward": b("port_forward", []string{"local_port", "container_port", "name", "link_path", "host"}, opaque("port_forward")),
		"read_yaml": b("read_yaml", []string{"paths", "default"}, func(m map[string]starlark.Value) (starlark.Value, error) {
			p := c.path("read_yaml", str(m["paths"]), "")
			data, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			var v any
			if err := yaml.Unmarshal(data, &v); err != nil {
				return nil, fmt.Errorf("read_yaml %s: %w", p, err)
			}
			return toStarlark(v), nil
		}),
		"decode_yaml_stream": b("decode_yaml_stream", []string{"yaml"}, func(m map[string]starlark.Value) (starlark.Value, error) {
			docs, err := decodeStream(str(m["yaml"]))
			if err != nil {
				return nil, err
			}
			l := make([]starlark.Value, len(docs))
			for i, d := range docs {
				l[i] = toStarlark(d)
			}
			return starlark.NewList(l), nil
		}),
		"helm":     b("helm", []string{"paths", "name", "namespace", "values", "set", "kube_version", "skip_crds"}, c.helm),
		"k8s_yaml": b("k8s_yaml", []string{"yaml", "allow_duplicates"}, c.k8sYaml),
		"k8s_resource": b("k8s_resource", []string{"workload", "new_name", "port_forwards", "extra_pod_selectors",
			"trigger_mode", "resource_deps", "objects", "auto_init", "pod_readiness", "links", "labels",
			"discovery_strategy"}, c.k8sResource),
		"local_resource": b("local_resource", []string{"name", "cmd", "deps", "trigger_mode", "resource_deps",
			"ignore", "auto_init", "serve_cmd", "cmd_bat", "serve_cmd_bat", "allow_parallel", "links", "tags",
			"env", "serve_env", "readiness_probe", "dir", "serve_dir", "labels"}, c.localResource),
		"docker_build": b("docker_build", []string{"ref", "context", "build_args", "dockerfile",
			"dockerfile_contents", "live_update", "match_in_env_vars", "ignore", "only", "entrypoint", "target",
			"ssh", "network", "secret", "extra_tag", "container_args", "cache_from", "pull", "platform",
			"extra_hosts"}, c.dockerBuild),
		"k8s_kind": b("k8s_kind", []string{"kind", "api_version", "image_json_path", "image_object",
			"pod_readiness"}, c.k8sKind),
		"sync":         b("sync", []string{"local_path", "remote_path"}, opaque("sync")),
		"fall_back_on": b("fall_back_on", []string{"files"}, opaque("fall_back_on")),
		"run":          b("run", []string{"cmd", "trigger", "echo_off"}, opaque("run")),
	}
}

// annotationPath is the one JSONPath form the checker follows: a pod template annotation, its key's
// dots escaped ({.spec.template.metadata.annotations.dapr\.io/sidecar-image}).
var annotationPath = regexp.MustCompile(`^\{\.spec\.template\.metadata\.annotations\.((?:[^.\\]|\\.)+)\}$`)

func (c *checker) k8sKind(m map[string]starlark.Value) (starlark.Value, error) {
	kind := str(m["kind"])
	for _, p := range strs(m["image_json_path"]) {
		match := annotationPath.FindStringSubmatch(p)
		if match == nil {
			c.problem("k8s_kind %s: image_json_path %s is not a pod template annotation (the only form checked)", kind, p)
			continue
		}
		if c.annotationImages == nil {
			c.annotationImages = map[string][]string{}
		}
		c.annotationImages[kind] = append(c.annotationImages[kind], strings.ReplaceAll(match[1], `\.`, "."))
	}
	return starlark.None, nil
}

func (c *checker) helm(m map[string]starlark.Value) (starlark.Value, error) {
	chart := c.path("helm chart", str(m["paths"]), "")
	argv := []string{"template", str(m["name"]), chart}
	if ns := str(m["namespace"]); ns != "" {
		argv = append(argv, "--namespace", ns)
	}
	for _, v := range strs(m["values"]) {
		argv = append(argv, "--values", c.path("helm values", v, ""))
	}
	for _, s := range strs(m["set"]) {
		argv = append(argv, "--set", s)
	}
	cmd := exec.Command("helm", argv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("helm template (as Tilt runs it) failed: %v\n%s", err, stderr.String())
	}
	return blob(out), nil
}

func (c *checker) k8sYaml(m map[string]starlark.Value) (starlark.Value, error) {
	var texts []string
	if b, ok := m["yaml"].(blob); ok {
		texts = append(texts, string(b))
	} else {
		for _, p := range strs(m["yaml"]) {
			data, err := os.ReadFile(c.path("k8s_yaml", p, ""))
			if err != nil {
				continue
			}
			texts = append(texts, string(data))
		}
	}
	for _, t := range texts {
		docs, err := decodeStream(t)
		if err != nil {
			return nil, fmt.Errorf("k8s_yaml: %w", err)
		}
		for _, d := range docs {
			c.addObject(d)
		}
	}
	return starlark.None, nil
}

var workloadKinds = map[string]bool{"Deployment": true, "StatefulSet": true, "DaemonSet": true, "Job": true,
	"CronJob": true, "ReplicaSet": true, "Pod": true}

func (c *checker) addObject(d map[string]any) {
	meta, _ := d["metadata"].(map[string]any)
	o := &object{Kind: fmt.Sprint(d["kind"]), Name: fmt.Sprint(meta["name"]), Labels: map[string]string{}}
	if ns, ok := meta["namespace"].(string); ok {
		o.Namespace = ns
	}
	if labels, ok := meta["labels"].(map[string]any); ok {
		for k, v := range labels {
			o.Labels[k] = fmt.Sprint(v)
		}
	}
	for _, dup := range c.objects {
		if dup.Kind == o.Kind && dup.Name == o.Name && dup.Namespace == o.Namespace {
			c.problem("k8s_yaml: %s %s is loaded twice", o.Kind, o.Name)
		}
	}
	if workloadKinds[o.Kind] {
		spec, _ := d["spec"].(map[string]any)
		tpl, _ := spec["template"].(map[string]any)
		podSpec, _ := tpl["spec"].(map[string]any)
		podMeta, _ := tpl["metadata"].(map[string]any)
		annotations, _ := podMeta["annotations"].(map[string]any)
		o.PodAnnotations = map[string]string{}
		for k, v := range annotations {
			o.PodAnnotations[k] = fmt.Sprint(v)
		}
		for _, key := range []string{"containers", "initContainers"} {
			list, _ := podSpec[key].([]any)
			for _, cont := range list {
				if cm, ok := cont.(map[string]any); ok {
					o.Images = append(o.Images, fmt.Sprint(cm["image"]))
				}
			}
		}
		c.resources[o.Name] = &resource{name: o.Name}
		o.claimedBy = o.Name
	}
	c.objects = append(c.objects, o)
}

func (c *checker) k8sResource(m map[string]starlark.Value) (starlark.Value, error) {
	workload, newName := str(m["workload"]), str(m["new_name"])
	name := workload
	if workload != "" {
		if _, ok := c.resources[workload]; !ok {
			c.problem("k8s_resource: no workload %q in the YAML loaded so far", workload)
			c.resources[workload] = &resource{name: workload}
		}
		if newName != "" {
			r := c.resources[workload]
			delete(c.resources, workload)
			r.name = newName
			c.resources[newName] = r
			c.renamed[workload] = newName
			for _, o := range c.objects {
				if o.claimedBy == workload {
					o.claimedBy = newName
				}
			}
			name = newName
		}
	} else {
		if newName == "" {
			return nil, errors.New("k8s_resource: needs a workload, or objects and new_name")
		}
		if _, ok := c.resources[newName]; ok {
			c.problem("k8s_resource: resource %q already exists", newName)
		}
		c.resources[newName] = &resource{name: newName}
		name = newName
	}
	r := c.resources[name]
	r.deps = append(r.deps, strs(m["resource_deps"])...)
	for _, sel := range strs(m["objects"]) {
		c.claim(name, sel)
	}
	for _, l := range strs(m["labels"]) {
		if !labelRE.MatchString(l) {
			c.problem("k8s_resource %s: bad label %q", name, l)
		}
	}
	return starlark.None, nil
}

var labelRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$`)

// claim resolves a Tilt object selector (name[:kind[:namespace]], each part a case-insensitive
// regular expression matching the whole field), which must match exactly one unclaimed object.
func (c *checker) claim(res, sel string) {
	parts := strings.Split(sel, ":")
	var res3 [3]*regexp.Regexp
	for i := range 3 {
		p := ".*"
		if i < len(parts) && parts[i] != "" {
			p = parts[i]
		}
		re, err := regexp.Compile("(?i)^(?:" + p + ")$")
		if err != nil {
			c.problem("k8s_resource %s: bad selector %q: %v", res, sel, err)
			return
		}
		res3[i] = re
	}
	var hits []*object
	for _, o := range c.objects {
		if res3[0].MatchString(o.Name) && res3[1].MatchString(o.Kind) && res3[2].MatchString(o.Namespace) {
			hits = append(hits, o)
		}
	}
	switch {
	case len(hits) == 0:
		c.problem("k8s_resource %s: selector %q matches no object", res, sel)
	case len(hits) > 1:
		c.problem("k8s_resource %s: selector %q matches %d objects", res, sel, len(hits))
	case hits[0].claimedBy != "":
		c.problem("k8s_resource %s: selector %q matches %s %s, already in resource %s", res, sel, hits[0].Kind, hits[0].Name, hits[0].claimedBy)
	default:
		hits[0].claimedBy = res
	}
}

var fileArg = regexp.MustCompile(`\.(sh|py|ts|js|mjs|yaml|yml|json)$`)

func (c *checker) localResource(m map[string]starlark.Value) (starlark.Value, error) {
	name := str(m["name"])
	if _, ok := c.resources[name]; ok {
		c.problem("local_resource: resource %q already exists", name)
	}
	c.resources[name] = &resource{name: name, deps: strs(m["resource_deps"])}
	if m["cmd"] == nil && m["serve_cmd"] == nil {
		c.problem("local_resource %s: neither cmd nor serve_cmd", name)
	}
	for _, key := range []string{"cmd", "serve_cmd"} {
		if _, isStr := m[key].(starlark.String); isStr {
			continue // a shell line: its words are not checked
		}
		for _, a := range strs(m[key]) {
			if fileArg.MatchString(a) && !strings.Contains(a, "://") {
				c.path("local_resource "+name+" "+key, a, "")
			}
		}
	}
	for _, d := range strs(m["deps"]) {
		c.path("local_resource "+name+" deps", d, "")
	}
	return starlark.None, nil
}

func (c *checker) dockerBuild(m map[string]starlark.Value) (starlark.Value, error) {
	ref := str(m["ref"])
	if c.images[ref] {
		c.problem("docker_build: %s is built twice", ref)
	}
	c.images[ref] = true
	ctx := c.path("docker_build "+ref+" context", str(m["context"]), "")
	dockerfile := "Dockerfile"
	if v := str(m["dockerfile"]); v != "" {
		dockerfile = v
	}
	c.path("docker_build "+ref+" dockerfile", dockerfile, "")
	for _, o := range strs(m["only"]) {
		c.path("docker_build "+ref+" only", o, ctx)
	}
	steps, _ := m["live_update"].(*starlark.List)
	if steps == nil {
		return starlark.None, nil
	}
	for i := range steps.Len() {
		s, ok := steps.Index(i).(*step)
		if !ok {
			c.problem("docker_build %s: live_update step %d is not a step", ref, i)
			continue
		}
		switch s.kind {
		case "sync":
			local := str(s.attrs["local_path"])
			c.path("docker_build "+ref+" sync", local, "")
			if remote := str(s.attrs["remote_path"]); !strings.HasPrefix(remote, "/") {
				c.problem("docker_build %s: sync target %q is not absolute", ref, remote)
			}
			if !c.within(local, ctx, strs(m["only"])) {
				c.problem("docker_build %s: sync source %s is outside the build's files (context and only)", ref, local)
			}
		case "fall_back_on":
			for _, f := range strs(s.attrs["files"]) {
				c.path("docker_build "+ref+" fall_back_on", f, "")
				if !c.within(f, ctx, strs(m["only"])) {
					c.problem("docker_build %s: fall_back_on %s is outside the build's files", ref, f)
				}
			}
		}
	}
	return starlark.None, nil
}

// within tells whether a path (relative to the Tiltfile) is among the build's files.
func (c *checker) within(p, ctx string, only []string) bool {
	full := filepath.Join(c.dir, p)
	if len(only) == 0 {
		return strings.HasPrefix(full, ctx)
	}
	for _, o := range only {
		base := filepath.Join(ctx, o)
		if full == base || strings.HasPrefix(full, base+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// ---- after evaluation -----------------------------------------------------------------------------

func (c *checker) finish() {
	for _, r := range c.resources {
		for _, d := range r.deps {
			if _, ok := c.resources[d]; !ok {
				c.problem("resource %s depends on %q, which is no resource", r.name, d)
			}
		}
	}
	// Cycles.
	state := map[string]int{}
	var visit func(string, []string)
	visit = func(n string, stack []string) {
		switch state[n] {
		case 1:
			c.problem("resource dependency cycle: %s", strings.Join(append(stack, n), " → "))
			return
		case 2:
			return
		}
		state[n] = 1
		if r, ok := c.resources[n]; ok {
			for _, d := range r.deps {
				visit(d, append(stack, n))
			}
		}
		state[n] = 2
	}
	for n := range c.resources {
		visit(n, nil)
	}
	// Images: each built image is used; each chart workload's image is built.
	used := map[string]bool{}
	for _, o := range c.objects {
		images := o.Images
		for _, key := range c.annotationImages[o.Kind] {
			if img, ok := o.PodAnnotations[key]; ok {
				images = append(images, img)
			}
		}
		for _, img := range images {
			repo := img
			if i := strings.LastIndex(img, ":"); i > strings.LastIndex(img, "/") {
				repo = img[:i]
			}
			used[repo] = true
			if o.Labels["app.kubernetes.io/part-of"] == "marketplace" && o.Labels["app.kubernetes.io/component"] == "service" && !c.images[repo] {
				c.problem("%s %s runs %s, which the Tiltfile does not build", o.Kind, o.Name, img)
			}
		}
	}
	for ref := range c.images {
		if !used[ref] {
			c.problem("docker_build %s: no workload uses this image", ref)
		}
	}
	// Nothing uncategorized: Services join their workloads by selector; everything else is claimed.
	for _, o := range c.objects {
		if o.claimedBy == "" && o.Kind != "Service" {
			c.problem("%s %s is in no resource (Tilt would show it as uncategorized)", o.Kind, o.Name)
		}
	}
}

func main() {
	tiltfile := "Tiltfile"
	if len(os.Args) > 1 {
		tiltfile = os.Args[1]
	}
	abs, err := filepath.Abs(tiltfile)
	if err != nil {
		fail(err)
	}
	c := &checker{dir: filepath.Dir(abs), resources: map[string]*resource{}, renamed: map[string]string{},
		images: map[string]bool{}, modules: map[string]starlark.StringDict{}}
	predeclared := c.builtins()
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}
	var load func(*starlark.Thread, string) (starlark.StringDict, error)
	load = func(_ *starlark.Thread, module string) (starlark.StringDict, error) {
		if !strings.HasPrefix(module, "./") && !strings.HasPrefix(module, "../") {
			return nil, fmt.Errorf("load(%q): only local files can be checked offline", module)
		}
		p := c.path("load", module, "")
		if g, ok := c.modules[p]; ok {
			return g, nil
		}
		thread := &starlark.Thread{Name: module, Load: load}
		g, err := starlark.ExecFileOptions(opts, thread, p, nil, predeclared)
		c.modules[p] = g
		return g, err
	}
	thread := &starlark.Thread{Name: "Tiltfile", Load: load}
	if _, err := starlark.ExecFileOptions(opts, thread, abs, nil, predeclared); err != nil {
		var evalErr *starlark.EvalError
		if errors.As(err, &evalErr) {
			fail(errors.New(evalErr.Backtrace()))
		}
		fail(err)
	}
	c.finish()
	if len(c.problems) > 0 {
		for _, p := range c.problems {
			fmt.Fprintln(os.Stderr, "tiltcheck: "+p)
		}
		os.Exit(1)
	}
	kinds := map[string]int{}
	for _, o := range c.objects {
		kinds[o.Kind]++
	}
	fmt.Printf("tiltcheck: %s loads; %d paths exist; %d resources, %d images, %d objects (%d Deployments, %d Subscriptions); every selector and dependency resolves\n",
		tiltfile, c.paths, len(c.resources), len(c.images), len(c.objects), kinds["Deployment"], kinds["Subscription"])
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tiltcheck:", err)
	os.Exit(1)
}
