#!/usr/bin/env bash
# The chart's offline checks: helm lint, helm template with the default, local and EKS values (and
# each broker profile), every rendered manifest validated strictly by kubeconform against the
# Kubernetes, Dapr and Prometheus Operator (PodMonitor, ServiceMonitor) JSON schemas kept in the cache. Rendered manifests land in $MP_RUN/k8s/.
#   scripts/k8s/check.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/tools.sh"
ensure_helm
ensure_kubeconform
ensure_k8s_schemas
cd "$MP_ROOT"
chart=charts/marketplace
out="$MP_RUN/k8s"
rm -rf "$out"; mkdir -p "$out"
# What a cluster with Dapr's control plane reports; offline, helm must be told.
apis=(--api-versions dapr.io/v1alpha1/Component --api-versions dapr.io/v1alpha1/Configuration
  --api-versions dapr.io/v1alpha1/Resiliency --api-versions dapr.io/v2alpha1/Subscription
  --api-versions monitoring.coreos.com/v1/PodMonitor)

declare -A sets=(
  [default]=""
  [local]="-f $chart/values-local.yaml"
  [eks]="-f $chart/values-eks.yaml"
  [rabbitmq]="--set dapr.profile=rabbitmq"
  [monitoring]="--set metrics.podMonitor.enabled=true --set metrics.dashboard.enabled=true"
  [local-aws]="-f $chart/values-local.yaml --set dapr.profile=aws --set dapr.aws.endpoint=http://moto.marketplace-infra.svc.cluster.local:5000"
)
for set in default local eks rabbitmq local-aws monitoring; do
  # shellcheck disable=SC2086 # the value flags are words
  helm lint "$chart" --strict --quiet --set dapr.requireCrds=false ${sets[$set]} >"$out/$set.lint" 2>&1 \
    || { cat "$out/$set.lint"; die "helm lint failed with the $set values"; }
  # shellcheck disable=SC2086
  helm template marketplace "$chart" --namespace marketplace --kube-version "$KUBE_SCHEMA_VERSION" "${apis[@]}" ${sets[$set]} \
    >"$out/$set.yaml" || die "helm template failed with the $set values"
  kubeconform -strict -summary -kubernetes-version "$KUBE_SCHEMA_VERSION" \
    -schema-location "$K8S_SCHEMAS/kubernetes/{{.ResourceKind}}{{.KindSuffix}}.json" \
    -schema-location "$K8S_SCHEMAS/crds/{{.ResourceKind}}{{.KindSuffix}}.json" \
    "$out/$set.yaml" >"$out/$set.kubeconform" 2>&1 || { cat "$out/$set.kubeconform"; die "invalid manifests with the $set values"; }
  log "chart, $set values: lint clean; $(tail -1 "$out/$set.kubeconform")"
done
# Dapr's own chart (from the pinned Dapr source) with k8s/dapr/dapr-values.yaml, plain and HA (EKS).
dapr_chart="$(go_module_src github.com/dapr/dapr "v$DAPR_VERSION")/charts/dapr"
for ha in false true; do
  helm template dapr "$dapr_chart" --namespace dapr-system --kube-version "$KUBE_SCHEMA_VERSION" \
    -f k8s/dapr/dapr-values.yaml --set global.ha.enabled=$ha >"$out/dapr-ha-$ha.yaml" || die "helm template of Dapr's chart failed"
  kubeconform -strict -summary -kubernetes-version "$KUBE_SCHEMA_VERSION" -skip CustomResourceDefinition \
    -schema-location "$K8S_SCHEMAS/kubernetes/{{.ResourceKind}}{{.KindSuffix}}.json" \
    -schema-location "$K8S_SCHEMAS/crds/{{.ResourceKind}}{{.KindSuffix}}.json" \
    "$out/dapr-ha-$ha.yaml" >"$out/dapr-ha-$ha.kubeconform" 2>&1 || { cat "$out/dapr-ha-$ha.kubeconform"; die "invalid Dapr control plane manifests (ha=$ha)"; }
  grep -q "image: \"\?ghcr.io/dapr/.*:$DAPR_VERSION" "$out/dapr-ha-$ha.yaml" || die "Dapr's chart does not render $DAPR_VERSION images"
  log "Dapr $DAPR_VERSION control plane (ha=$ha) with k8s/dapr/dapr-values.yaml: $(tail -1 "$out/dapr-ha-$ha.kubeconform")"
done
# The manifests of k8s/ (namespaces, local PostgreSQL, Redis, moto, mailpit) are validated the same way.
kubeconform -strict -summary -kubernetes-version "$KUBE_SCHEMA_VERSION" -ignore-filename-pattern '.*-values\.yaml$' -ignore-filename-pattern 'k8s/eks/' \
  -schema-location "$K8S_SCHEMAS/kubernetes/{{.ResourceKind}}{{.KindSuffix}}.json" k8s/ >"$out/k8s-dir.kubeconform" 2>&1 \
  || { cat "$out/k8s-dir.kubeconform"; die "invalid manifests in k8s/"; }
log "k8s/: $(tail -1 "$out/k8s-dir.kubeconform")"
