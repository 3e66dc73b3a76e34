"""The platform's own failure messages (the orchestrator, the container runtime) read by the doctrine's question.

An excerpt of `kubectl get events` / `kubectl describe` or of Docker's output (bare_excerpt.py chooses its failure line)
reaches the rules as a record no gateway rule knows: the catch-all answered. Its wording is the platform's source, a
small closed grammar, and each message says what the on-call engineer must change:
- kubelet, building the container's environment (pkg/kubelet/kubelet_pods.go, reason CreateContainerConfigError):
  `couldn't find key K in Secret NS/NAME` / `in ConfigMap`, `secret "NAME" not found`, `configmap "NAME" not found`
  -> config (the pod spec names a key or an object the namespace does not hold);
- kubelet's image manager (pkg/kubelet/images/image_manager.go: `Failed to pull image %q: %v`, reasons ErrImagePull,
  ImagePullBackOff, InvalidImageName) with containerd's resolver errors: `not found`, `manifest unknown`, `pull access
  denied`, `unauthorized`, `repository does not exist`, an invalid reference -> config (the image reference or the
  pull credentials); the same pull failing on the path (`i/o timeout`, `connection refused`, `TLS handshake timeout`,
  `connection reset`) -> network;
- Docker's port allocator (libnetwork portallocator: `Bind for IP:PORT failed: port is already allocated`) and the
  kernel's EADDRINUSE through it (`address already in use`) -> config (the published port another container or
  process holds: the compose/run ports mapping to change);
- the scheduler (pkg/scheduler/framework/plugins/noderesources/fit.go: `Insufficient cpu|memory|...`) -> capacity (no
  node has room for the pod's requests), its node affinity / selector / taint / volume-binding refusals -> config.
Read only where no other reading answered (an unknown answer: the catch-all's): a record another reading decided keeps
its answer. 0.5 for a message of the platform's closed grammar (config), 0.45 for capacity (the
request may be the typo, the record does not say which).
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput, one_line

# the registry answered with its own failure (distribution spec: 5xx, 429 TOOMANYREQUESTS): an outage or a pull limit
_REGISTRY_DOWN = re.compile(r"\b(?:status(?: code)?|from [A-Z]+ request to \S+):?\s*(?:5\d\d|429)\b|\b5\d\d (?:Internal Server "
                            r"Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b|TOOMANYREQUESTS|toomanyrequests")
_PATH_FAILS = re.compile(r"i/o timeout|connection refused|TLS handshake timeout|connection reset|"
                         r"context deadline exceeded|temporary failure in name resolution", re.I)
_IMAGE = re.compile(r"Failed to pull image \"(?P<image>[^\"]+)\"|\b(?:ErrImagePull|ImagePullBackOff|InvalidImageName)\b"
                    r"|pull access denied for (?P<repo>[\w./\-]+)")
_ENTRIES: tuple[tuple[re.Pattern[str], str, float, str, str, str], ...] = (
    (re.compile(r"couldn't find key (?P<key>\S+) in (?P<kind>Secret|ConfigMap) (?P<obj>[\w./\-]+)"), "config", 0.5,
     "The pod's environment names key {key} of {kind} {obj}, which does not hold it",
     "kubelet could not build the container's environment (CreateContainerConfigError): the pod spec references key "
     "{key} in {kind} {obj}, and that object has no such key - the container never starts.",
     "Add key {key} to {kind} {obj}, or correct the secretKeyRef/configMapKeyRef in the deployment to a key it holds."),
    (re.compile(r"\b(?P<kind>secret|configmap) \"(?P<obj>[^\"]+)\" not found"), "config", 0.5,
     "The pod references {kind} {obj}, which does not exist in its namespace",
     "kubelet could not build the container's environment or volumes (CreateContainerConfigError): {kind} {obj} "
     "does not exist in the pod's namespace.",
     "Create {kind} {obj} in the pod's namespace, or correct the name the deployment references."),
    (re.compile(r"Bind for (?P<addr>\S+) failed: port is already allocated|(?P<addr2>[\d.:\[\]]+:\d+): bind: address "
                r"already in use"), "config", 0.5,
     "The published port {addr} is already taken on the host",
     "Docker could not publish the container's port: {addr} is held by another container or process on the host "
     "(often the previous stack still running). The ports mapping of this service collides with it.",
     "Stop the container that holds the port (docker ps shows it) or publish this service on another host port."),
    (re.compile(r"\b(?P<n>\d+) Insufficient (?P<res>cpu|memory|ephemeral-storage|pods|nvidia\.com/gpu)"), "capacity",
     0.45,
     "No node has room for the pod's {res} request ({n} nodes short)",
     "The scheduler found no node with enough free {res} for the pod's requests (FailedScheduling): the pod stays "
     "Pending. Either the cluster is full or the request is larger than any node can give.",
     "Compare the pod's resources.requests with the nodes' allocatable {res} (kubectl describe nodes); lower a "
     "request that is larger than it should be, or add capacity."),
    (re.compile(r"didn't match (?:Pod's node affinity(?:/selector)?|node selector)|had untolerated taint|"
                r"persistentvolumeclaim \"[^\"]+\" not found|unbound immediate PersistentVolumeClaims"), "config", 0.5,
     "The pod's placement rules exclude every node",
     "The scheduler refused every node by the pod's own placement settings (node selector/affinity, a taint it does "
     "not tolerate, a volume claim that does not exist): the pod stays Pending.",
     "Correct the pod's nodeSelector/affinity/tolerations or the volume claim it names."),
)


def platform_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or the platform message's own reading (module docstring) where no other reading answered."""
    if d.category != "unknown":
        return d
    text = inp.message[:4096]
    for rx, category, confidence, summary, cause, fix in _ENTRIES:
        m = rx.search(text)
        if m is not None:
            fields = {k: v for k, v in m.groupdict().items() if v}
            if "addr2" in fields:
                fields.setdefault("addr", fields["addr2"])
            return _answer(d, inp, category, confidence, summary.format(**fields), cause.format(**fields),
                           fix.format(**fields))
    image = _IMAGE.search(text)
    if image is not None:
        ref = image.group("image") or image.group("repo") or "the image"
        if _REGISTRY_DOWN.search(text):  # the registry's own failure: the reference may be right (review r14)
            return _answer(d, inp, "network", 0.4, f"Pulling {ref} failed: the registry answered with its own error",
                           f"The registry serving {ref} answered the pull with a server error or its pull limit "
                           "(5xx, 429): the reference may be right; the registry (or the path to it) failed.",
                           "Check the registry's status page and retry the pull; a mirror or a pre-pulled image "
                           "keeps the pods starting meanwhile.")
        if _PATH_FAILS.search(text):
            return _answer(d, inp, "network", 0.45, f"Pulling {ref} failed on the way to the registry",
                           f"The container runtime could not reach the registry for {ref} (a timeout or a refused or "
                           "reset connection): the reference may be right; the path failed.",
                           "Check the node's egress to the registry and retry the pull.")
        return _answer(d, inp, "config", 0.5, f"The image {ref} cannot be pulled: the reference or its credentials",
                       f"The registry refused {ref} (not found, manifest unknown, access denied or an invalid "
                       "reference): the deployment names a tag or repository that does not exist, or lacks the pull "
                       "secret - the pod never starts.",
                       f"Check that {ref} was pushed (the registry's tag list) and that the deployment's image and "
                       "imagePullSecrets name it.")
    return d


def _answer(d: Diagnosis, inp: DiagnosisInput, category: str, confidence: float, summary: str, cause: str,
            fix: str) -> Diagnosis:
    return d.reanswered(
        category=category, confidence=confidence, rule=f"{d.rule}+platform",
        severity=d.severity if d.severity in ("high", "critical") else "high",
        summary=one_line(summary, 300), root_cause=cause, suggested_fix=[fix],
        evidence=[one_line(inp.message, 300)])
