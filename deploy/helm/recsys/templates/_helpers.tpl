{{/*
Names and labels (the `helm create` helpers plus app.kubernetes.io/component).
*/}}
{{- define "recsys.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "recsys.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "recsys.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "recsys.selectorLabels" -}}
app.kubernetes.io/name: {{ include "recsys.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "recsys.labels" -}}
helm.sh/chart: {{ include "recsys.chart" . }}
{{ include "recsys.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: recsys
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* (dict "root" $ "component" "collector") */}}
{{- define "recsys.componentSelectorLabels" -}}
{{ include "recsys.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "recsys.componentLabels" -}}
{{ include "recsys.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "recsys.componentName" -}}
{{- printf "%s-%s" (include "recsys.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "recsys.commonAnnotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The image of a component: (dict "root" $ "component" "collector"); `cli` for the Job and tests. */}}
{{- define "recsys.image" -}}
{{- $values := index .root.Values .component }}
{{- $repository := $values.image.repository | default (printf "%s/%s" (trimSuffix "/" .root.Values.image.repositoryBase) .component) }}
{{- $tag := $values.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- if $values.image.digest }}
{{- printf "%s:%s@%s" $repository $tag $values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}
{{- end }}

{{- define "recsys.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "recsys.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "recsys.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "recsys.fullname" .)) }}
{{- end }}

{{/*
The services' HTTP ports (their defaults in apps/<service>/src/config.ts); containers always listen on
these, the Services expose <service>.service.port.
*/}}
{{- define "recsys.containerPort" -}}
{{- index (dict "collector" 3001 "preprocessor" 3002 "trainer" 3003 "scorer" 3004 "console" 3005) . }}
{{- end }}

{{/* Kafka topic and consumer-group naming, as libs/contracts physicalTopicName and libs/config defaultGroupIdOf. */}}
{{- define "recsys.physicalTopic" -}}
{{- if .root.Values.kafka.topicPrefix }}{{ printf "%s.%s" .root.Values.kafka.topicPrefix .topic }}{{ else }}{{ .topic }}{{ end }}
{{- end }}

{{- define "recsys.defaultGroupId" -}}
{{- if .root.Values.kafka.topicPrefix }}{{ printf "%s.%s" .root.Values.kafka.topicPrefix .component }}{{ else }}{{ .component }}{{ end }}
{{- end }}

{{/* Partitions a topic is created with: its override, else the default. (dict "root" $ "topic" "events.raw.v1") */}}
{{- define "recsys.partitionsOf" -}}
{{- $override := index .root.Values.topics.overrides .topic | default dict }}
{{- $override.partitions | default .root.Values.topics.defaults.partitions | int }}
{{- end }}

{{/*
What a consumer service autoscales on: the topic and the group whose lag measures its backlog.
preprocessor: events.raw.v1 in PREPROCESSOR_GROUP_ID (default <prefix>.preprocessor);
scorer: recommendations.requests.v1 in <SCORER_GROUP_ID>.requests (apps/scorer/src/kafka/requests.consumer.ts).
*/}}
{{- define "recsys.lagSource" -}}
{{- $values := index .root.Values .component }}
{{- if eq .component "preprocessor" }}
{{- $group := get $values.env "PREPROCESSOR_GROUP_ID" | default (include "recsys.defaultGroupId" .) }}
{{- dict "topic" "events.raw.v1" "group" $group | toJson }}
{{- else if eq .component "scorer" }}
{{- $group := get $values.env "SCORER_GROUP_ID" | default (include "recsys.defaultGroupId" .) }}
{{- dict "topic" "recommendations.requests.v1" "group" (printf "%s.requests" $group) | toJson }}
{{- else }}
{{- fail (printf "%s does not consume Kafka in a way KEDA can scale on" .component) }}
{{- end }}
{{- end }}

{{/* Most replicas an autoscaler may reach for a lag-scaled component: one per partition. */}}
{{- define "recsys.checkMaxReplicas" -}}
{{- $values := index .root.Values .component }}
{{- $source := include "recsys.lagSource" . | fromJson }}
{{- $partitions := include "recsys.partitionsOf" (dict "root" .root "topic" $source.topic) | int }}
{{- if gt (int $values.autoscaling.maxReplicas) $partitions }}
{{- fail (printf "%s.autoscaling.maxReplicas (%d) is more than the %d partitions of %s: the extra consumers would idle. Lower it or raise topics.overrides.%s.partitions." .component (int $values.autoscaling.maxReplicas) $partitions $source.topic $source.topic) }}
{{- end }}
{{- end }}

{{/* True when the component scales with a KEDA ScaledObject (which then owns the HPA). */}}
{{- define "recsys.kedaScaled" -}}
{{- $values := index .root.Values .component }}
{{- if dig "autoscaling" "keda" "enabled" false $values }}true{{ end }}
{{- end }}

{{/*
The CA file Node trusts besides the system CAs (NODE_EXTRA_CA_CERTS): Kafka's and Redis's CA secrets.
Node reads one extra file, so both must be the same Secret key (a PEM bundle may hold several CAs).
*/}}
{{- define "recsys.caSecret" -}}
{{- $kafka := .Values.kafka.tls.caSecret }}
{{- $redis := .Values.redis.tls.caSecret }}
{{- if and $kafka.name $redis.name (or (ne $kafka.name $redis.name) (ne $kafka.key $redis.key)) }}
{{- fail "kafka.tls.caSecret and redis.tls.caSecret differ: Node trusts one extra CA file, so put both CAs in one PEM bundle (one Secret key) and reference it from both" }}
{{- end }}
{{- if $kafka.name }}{{ toJson $kafka }}{{ else if $redis.name }}{{ toJson $redis }}{{ end }}
{{- end }}

{{- define "recsys.caMountPath" -}}/etc/recsys/ca{{- end }}

{{/* REDIS_URL without the password; `$(RECSYS_REDIS_PASSWORD)` is expanded by the kubelet. */}}
{{- define "recsys.redisUrl" -}}
{{- $redis := .Values.redis }}
{{- $auth := "" }}
{{- if $redis.passwordSecret.name }}
{{- $auth = printf "%s:$(RECSYS_REDIS_PASSWORD)@" $redis.username }}
{{- else if $redis.username }}
{{- $auth = printf "%s@" $redis.username }}
{{- end }}
{{- if $redis.url }}
{{- $parts := regexSplit "://" $redis.url 2 }}
{{- printf "%s://%s%s" (index $parts 0) $auth (index $parts 1) }}
{{- else }}
{{- printf "%s://%s%s:%d/%d" (ternary "rediss" "redis" $redis.tls.enabled) $auth $redis.host (int $redis.port) (int $redis.db) }}
{{- end }}
{{- end }}

{{/* Kafka connection settings (every service, the topic Job). */}}
{{- define "recsys.kafkaEnv" -}}
{{- $kafka := .Values.kafka -}}
- name: KAFKA_BROKERS
  value: {{ join "," $kafka.brokers | quote }}
- name: KAFKA_CLIENT_ID
  value: {{ $kafka.clientId | quote }}
{{- if $kafka.topicPrefix }}
- name: KAFKA_TOPIC_PREFIX
  value: {{ $kafka.topicPrefix | quote }}
{{- end }}
- name: KAFKA_SSL
  value: {{ $kafka.tls.enabled | quote }}
{{- if $kafka.sasl.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $kafka.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  value: {{ $kafka.sasl.username | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $kafka.sasl.passwordSecret.name }}
      key: {{ $kafka.sasl.passwordSecret.key }}
{{- end }}
- name: KAFKA_COMPRESSION
  value: {{ $kafka.compression | quote }}
- name: KAFKA_CONNECTION_TIMEOUT_MS
  value: {{ $kafka.connectionTimeoutMs | int | quote }}
- name: KAFKA_REQUEST_TIMEOUT_MS
  value: {{ $kafka.requestTimeoutMs | int | quote }}
{{- if include "recsys.caSecret" . }}
- name: NODE_EXTRA_CA_CERTS
  value: {{ printf "%s/ca.crt" (include "recsys.caMountPath" .) | quote }}
{{- end }}
{{- end }}

{{/* Redis connection settings. */}}
{{- define "recsys.redisEnv" -}}
{{- $redis := .Values.redis -}}
{{- if $redis.urlSecret.name }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $redis.urlSecret.name }}
      key: {{ $redis.urlSecret.key }}
{{- else }}
{{- if $redis.passwordSecret.name }}
- name: RECSYS_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $redis.passwordSecret.name }}
      key: {{ $redis.passwordSecret.key }}
{{- end }}
- name: REDIS_URL
  value: {{ include "recsys.redisUrl" . | quote }}
{{- end }}
{{- if $redis.clusterNodes }}
- name: REDIS_CLUSTER_NODES
  value: {{ join "," $redis.clusterNodes | quote }}
{{- end }}
- name: REDIS_KEY_PREFIX
  value: {{ $redis.keyPrefix | quote }}
- name: REDIS_CONNECT_TIMEOUT_MS
  value: {{ $redis.connectTimeoutMs | int | quote }}
{{- end }}

{{- define "recsys.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "recsys.secretName" .root }}
      key: {{ index .root.Values.secrets.keys .key }}
{{- end }}

{{/* Secrets each service reads, from the platform Secret: variable → key in secrets.keys. */}}
{{- define "recsys.serviceSecrets" -}}
{{- $secrets := dict
  "collector" (list (list "COLLECTOR_PSEUDONYMISATION_SECRET" "pseudonymisationSecret") (list "COLLECTOR_WRITE_KEYS" "writeKeys"))
  "preprocessor" (list (list "ADMIN_TOKEN" "adminToken") (list "PREPROCESSOR_PSEUDONYMISATION_SECRET" "pseudonymisationSecret") (list "PRIVACY_TOMBSTONE_SECRET" "tombstoneSecret"))
  "trainer" (list (list "ADMIN_TOKEN" "adminToken") (list "PRIVACY_TOMBSTONE_SECRET" "tombstoneSecret"))
  "scorer" (list (list "ADMIN_TOKEN" "adminToken") (list "SCORER_PSEUDONYMISATION_SECRET" "pseudonymisationSecret") (list "PRIVACY_TOMBSTONE_SECRET" "tombstoneSecret"))
  "console" (list (list "ADMIN_TOKEN" "adminToken") (list "CONSOLE_PSEUDONYMISATION_SECRET" "pseudonymisationSecret") (list "PRIVACY_TOMBSTONE_SECRET" "tombstoneSecret"))
}}
{{- range (index $secrets .component) }}
{{ include "recsys.secretEnv" (dict "root" $.root "name" (index . 0) "key" (index . 1)) }}
{{- end }}
{{- end }}

{{/* Settings derived from other values, per service. */}}
{{- define "recsys.derivedEnv" -}}
{{- if eq .component "console" }}
- name: SCORER_URL
  value: {{ printf "http://%s:%d" (include "recsys.componentName" (dict "root" .root "component" "scorer")) (int .root.Values.scorer.service.port) | quote }}
{{- /* Each replica counts all traffic, so each needs its own consumer group. */}}
- name: CONSOLE_GROUP_ID
  value: {{ printf "%s.$(POD_NAME)" (include "recsys.defaultGroupId" .) | quote }}
{{- end }}
{{- end }}

{{/* Tracing (libs/config observability: the standard OpenTelemetry variables) and the log-hash key. */}}
{{- define "recsys.observabilityEnv" -}}
{{- $tracing := .root.Values.tracing -}}
- name: OTEL_SDK_DISABLED
  value: {{ not $tracing.enabled | quote }}
{{- if $tracing.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $tracing.otlpEndpoint | quote }}
{{- end }}
{{- if $tracing.headersSecret.name }}
- name: OTEL_EXPORTER_OTLP_HEADERS
  valueFrom:
    secretKeyRef:
      name: {{ $tracing.headersSecret.name }}
      key: {{ $tracing.headersSecret.key }}
{{- end }}
- name: OTEL_TRACES_SAMPLER
  value: {{ $tracing.sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ $tracing.samplerArg | quote }}
{{- $attributes := list (printf "k8s.namespace.name=%s" .root.Release.Namespace) "k8s.pod.name=$(POD_NAME)" (printf "service.namespace=%s" .root.Release.Name) }}
{{- range $key, $value := $tracing.resourceAttributes }}
{{- $attributes = append $attributes (printf "%s=%s" $key $value) }}
{{- end }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ join "," $attributes | quote }}
{{ include "recsys.secretEnv" (dict "root" .root "name" "LOG_HASH_KEY" "key" "logHashKey") }}
{{- end }}

{{/* Every variable a service container gets: (dict "root" $ "component" "collector"). */}}
{{- define "recsys.serviceEnv" -}}
{{- $values := index .root.Values .component -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{ include "recsys.kafkaEnv" .root }}
- name: KAFKA_CREATE_TOPICS
  value: {{ not .root.Values.topics.create | quote }}
{{- if not .root.Values.topics.create }}
- name: KAFKA_TOPIC_PARTITIONS
  value: {{ .root.Values.topics.defaults.partitions | int | quote }}
{{- end }}
{{ include "recsys.redisEnv" .root | trim }}
{{- /* Services bind 127.0.0.1 unless told: a pod is reached on its own address. */}}
- name: HTTP_HOST
  value: "0.0.0.0"
- name: HTTP_PORT
  value: {{ include "recsys.containerPort" .component | quote }}
- name: LOG_LEVEL
  value: {{ .root.Values.logging.level | quote }}
- name: LOG_FORMAT
  value: "json"
{{ include "recsys.observabilityEnv" . }}
{{- include "recsys.serviceSecrets" . }}
{{- include "recsys.derivedEnv" . }}
{{- range $name, $value := $values.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Volumes: a writable /tmp (the root filesystem is read-only) and the CA bundle. */}}
{{- define "recsys.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolumeSizeLimit }}
{{- with include "recsys.caSecret" . }}
{{- $ca := fromJson . }}
- name: ca
  secret:
    secretName: {{ $ca.name }}
    items:
      - key: {{ $ca.key }}
        path: ca.crt
{{- end }}
{{- end }}

{{- define "recsys.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if include "recsys.caSecret" . }}
- name: ca
  mountPath: {{ include "recsys.caMountPath" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/* Pod-level settings shared by every workload. */}}
{{- define "recsys.podSecurity" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml (mergeOverwrite (deepCopy .root.Values.podSecurityContext) (.podSecurityContext | default dict)) | nindent 2 }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end }}

{{/* Checks across values that the JSON schema cannot express. */}}
{{- define "recsys.validateValues" -}}
{{- $v := .Values }}
{{- if and $v.secrets.existingSecret $v.secrets.create }}
{{- fail "secrets.existingSecret and secrets.create are exclusive: reference your Secret or let the chart create one (development)" }}
{{- end }}
{{- if not (or $v.secrets.existingSecret $v.secrets.create) }}
{{- fail "set secrets.existingSecret (a Secret with the keys in secrets.keys) or secrets.create=true (development)" }}
{{- end }}
{{- if and $v.kafka.sasl.mechanism (not (and $v.kafka.sasl.username $v.kafka.sasl.passwordSecret.name)) }}
{{- fail "kafka.sasl.mechanism needs kafka.sasl.username and kafka.sasl.passwordSecret.name" }}
{{- end }}
{{- if and $v.redis.urlSecret.name (or $v.redis.url $v.redis.passwordSecret.name $v.redis.username) }}
{{- fail "redis.urlSecret holds the whole URL: leave redis.url, redis.username and redis.passwordSecret empty" }}
{{- end }}
{{- if and $v.redis.url $v.redis.tls.enabled (not (hasPrefix "rediss://" $v.redis.url)) }}
{{- fail "redis.tls.enabled with a redis.url that is not rediss://" }}
{{- end }}
{{- $_ := include "recsys.caSecret" . }}
{{- if and $v.console.enabled (not $v.scorer.enabled) }}
{{- fail "the console shows the scorer's recommendations: enable the scorer too (or disable the console)" }}
{{- end }}
{{- range $component := list "preprocessor" "scorer" }}
{{- $values := index $v $component }}
{{- if and $values.enabled (include "recsys.kedaScaled" (dict "root" $ "component" $component)) }}
{{- if not $v.keda.enabled }}
{{- fail (printf "%s.autoscaling.keda.enabled needs keda.enabled=true (KEDA installed in the cluster)" $component) }}
{{- end }}
{{- include "recsys.checkMaxReplicas" (dict "root" $ "component" $component) }}
{{- end }}
{{- end }}
{{- if and $v.preprocessor.enabled $v.preprocessor.autoscaling.enabled }}
{{- include "recsys.checkMaxReplicas" (dict "root" $ "component" "preprocessor") }}
{{- end }}
{{- if and (include "recsys.kedaScaled" (dict "root" $ "component" "scorer")) (eq (get $v.scorer.env "SCORER_KAFKA_REQUESTS" | toString | lower) "false") }}
{{- fail "scorer.autoscaling.keda scales on recommendation requests over Kafka, which scorer.env.SCORER_KAFKA_REQUESTS=false turns off" }}
{{- end }}
{{- end }}
