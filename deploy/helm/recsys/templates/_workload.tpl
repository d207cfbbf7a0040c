{{/*
The objects every service has, built from its values block (same shape for each service). Each is
called with (dict "root" $ "component" "<service>").
*/}}

{{- define "recsys.deployment" -}}
{{- $values := index .root.Values .component }}
{{- $name := include "recsys.componentName" . }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "recsys.componentLabels" . | nindent 4 }}
  {{- with include "recsys.commonAnnotations" .root }}{{ . | nindent 2 }}{{ end }}
spec:
  {{- if not (or (dig "autoscaling" "enabled" false $values) (include "recsys.kedaScaled" .)) }}
  replicas: {{ $values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "recsys.componentSelectorLabels" . | nindent 6 }}
  {{- if eq .component "trainer" }}
  # Never two trainers at once: they would split the training examples and both promote models.
  strategy:
    type: Recreate
  {{- else }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  {{- end }}
  template:
    metadata:
      labels:
        {{- include "recsys.componentLabels" . | nindent 8 }}
        {{- if eq .component "console" }}
        recsys.io/client: "true"
        {{- end }}
        {{- with $values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- if .root.Values.secrets.create }}
        # Restart on a changed chart-managed Secret (environment variables are read at start).
        checksum/secrets: {{ include (print .root.Template.BasePath "/secret.yaml") .root | sha256sum }}
        {{- end }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "recsys.serviceAccountName" .root }}
      {{- include "recsys.podSecurity" (dict "root" .root "podSecurityContext" $values.podSecurityContext) | nindent 6 }}
      terminationGracePeriodSeconds: {{ $values.terminationGracePeriodSeconds }}
      {{- with $values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "recsys.image" . | quote }}
          imagePullPolicy: {{ .root.Values.image.pullPolicy }}
          securityContext:
            {{- toYaml .root.Values.containerSecurityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ include "recsys.containerPort" .component }}
              protocol: TCP
          env:
            {{- include "recsys.serviceEnv" . | nindent 12 }}
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ $values.probes.startup.periodSeconds }}
            failureThreshold: {{ $values.probes.startup.failureThreshold }}
            timeoutSeconds: 3
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: {{ $values.probes.liveness.periodSeconds }}
            failureThreshold: {{ $values.probes.liveness.failureThreshold }}
            timeoutSeconds: 3
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: {{ $values.probes.readiness.periodSeconds }}
            failureThreshold: {{ $values.probes.readiness.failureThreshold }}
            # Readiness checks Kafka and Redis (up to 3 s each).
            timeoutSeconds: 5
          {{- if $values.preStopSleepSeconds }}
          lifecycle:
            # Keep serving while the endpoint removal reaches the load balancers, then shut down.
            preStop:
              exec:
                command: ["sleep", {{ $values.preStopSleepSeconds | quote }}]
          {{- end }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          volumeMounts:
            {{- include "recsys.volumeMounts" .root | nindent 12 }}
      volumes:
        {{- include "recsys.volumes" .root | nindent 8 }}
      {{- if and (ne .component "trainer") $values.topologySpread }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "recsys.componentSelectorLabels" . | nindent 14 }}
      {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{- define "recsys.service" -}}
{{- $values := index .root.Values .component }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "recsys.componentName" . }}
  labels:
    {{- include "recsys.componentLabels" . | nindent 4 }}
    recsys.io/metrics: "true"
  {{- with (merge (dict) $values.service.annotations .root.Values.commonAnnotations) }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $values.service.type }}
  selector:
    {{- include "recsys.componentSelectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $values.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}

{{- define "recsys.hpa" -}}
{{- $values := index .root.Values .component }}
{{- if and (dig "autoscaling" "enabled" false $values) (not (include "recsys.kedaScaled" .)) }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "recsys.componentName" . }}
  labels:
    {{- include "recsys.componentLabels" . | nindent 4 }}
  {{- with include "recsys.commonAnnotations" .root }}{{ . | nindent 2 }}{{ end }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "recsys.componentName" . }}
  minReplicas: {{ $values.autoscaling.minReplicas }}
  maxReplicas: {{ $values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}

{{- define "recsys.pdb" -}}
{{- $values := index .root.Values .component }}
{{- if $values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "recsys.componentName" . }}
  labels:
    {{- include "recsys.componentLabels" . | nindent 4 }}
  {{- with include "recsys.commonAnnotations" .root }}{{ . | nindent 2 }}{{ end }}
spec:
  maxUnavailable: {{ $values.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "recsys.componentSelectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{- define "recsys.ingress" -}}
{{- $values := index .root.Values .component }}
{{- if dig "ingress" "enabled" false $values }}
{{- $name := include "recsys.componentName" . }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $name }}
  labels:
    {{- include "recsys.componentLabels" . | nindent 4 }}
  {{- with (merge (dict) $values.ingress.annotations .root.Values.commonAnnotations) }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if $values.ingress.tlsSecretName }}
  tls:
    - secretName: {{ $values.ingress.tlsSecretName }}
      hosts:
        {{- toYaml $values.ingress.hosts | nindent 8 }}
  {{- end }}
  rules:
    {{- range $values.ingress.hosts }}
    - host: {{ . | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ $name }}
                port:
                  name: http
    {{- end }}
{{- end }}
{{- end }}

{{/* Egress every workload needs: the brokers' ports, Redis, DNS, and the extra rules. */}}
{{- define "recsys.egressRules" -}}
{{- $ports := list }}
{{- range .Values.kafka.brokers }}
{{- $ports = append $ports (regexFind "[0-9]+$" . | int) }}
{{- end -}}
- ports:
    {{- range ($ports | uniq) }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with .Values.networkPolicy.kafkaPeers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- if not .kafkaOnly }}
{{- $redisPorts := list (int .Values.redis.port) }}
{{- range .Values.redis.clusterNodes }}
{{- $redisPorts = append $redisPorts (regexFind "[0-9]+$" . | int) }}
{{- end }}
- ports:
    {{- range ($redisPorts | uniq) }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with .Values.networkPolicy.redisPeers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with .Values.networkPolicy.dnsPeers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- with .Values.networkPolicy.extraEgress }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "recsys.networkPolicy" -}}
{{- if .root.Values.networkPolicy.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "recsys.componentName" . }}
  labels:
    {{- include "recsys.componentLabels" . | nindent 4 }}
  {{- with include "recsys.commonAnnotations" .root }}{{ . | nindent 2 }}{{ end }}
spec:
  podSelector:
    matchLabels:
      {{- include "recsys.componentSelectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    # The console and `helm test` pods of this release.
    - from:
        - podSelector:
            matchLabels:
              {{- include "recsys.selectorLabels" .root | nindent 14 }}
              recsys.io/client: "true"
      ports:
        - port: http
          protocol: TCP
    {{- with .root.Values.networkPolicy.ingressFrom }}
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
  egress:
    {{- include "recsys.egressRules" (dict "Values" .root.Values "kafkaOnly" false) | nindent 4 }}
    {{- if eq .component "console" }}
    # The user lookup shows the scorer's answer.
    - to:
        - podSelector:
            matchLabels:
              {{- include "recsys.componentSelectorLabels" (dict "root" .root "component" "scorer") | nindent 14 }}
      ports:
        - port: {{ include "recsys.containerPort" "scorer" }}
          protocol: TCP
    {{- end }}
{{- end }}
{{- end }}

{{/* KEDA: scale a consumer on its lag, never beyond its topic's partitions (checked in validateValues). */}}
{{- define "recsys.scaledObject" -}}
{{- if include "recsys.kedaScaled" . }}
{{- $values := index .root.Values .component }}
{{- $keda := $values.autoscaling.keda }}
{{- $source := include "recsys.lagSource" . | fromJson }}
{{- $kafka := .root.Values.kafka }}
{{- $name := include "recsys.componentName" . }}
{{- $ca := include "recsys.caSecret" .root }}
{{- $needsAuth := or $kafka.sasl.mechanism (and $kafka.tls.enabled $kafka.tls.caSecret.name) }}
{{- if $needsAuth }}
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: {{ $name }}
  labels:
    {{- include "recsys.componentLabels" . | nindent 4 }}
spec:
  {{- if $kafka.sasl.mechanism }}
  env:
    - parameter: username
      name: KAFKA_SASL_USERNAME
      containerName: {{ .component }}
  {{- end }}
  secretTargetRef:
    {{- if $kafka.sasl.mechanism }}
    - parameter: password
      name: {{ $kafka.sasl.passwordSecret.name }}
      key: {{ $kafka.sasl.passwordSecret.key }}
    {{- end }}
    {{- if and $kafka.tls.enabled $kafka.tls.caSecret.name }}
    - parameter: ca
      name: {{ $kafka.tls.caSecret.name }}
      key: {{ $kafka.tls.caSecret.key }}
    {{- end }}
---
{{- end }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ $name }}
  labels:
    {{- include "recsys.componentLabels" . | nindent 4 }}
  {{- with include "recsys.commonAnnotations" .root }}{{ . | nindent 2 }}{{ end }}
spec:
  scaleTargetRef:
    name: {{ $name }}
  minReplicaCount: {{ $values.autoscaling.minReplicas }}
  maxReplicaCount: {{ $values.autoscaling.maxReplicas }}
  pollingInterval: {{ $keda.pollingInterval }}
  cooldownPeriod: {{ $keda.cooldownPeriod }}
  triggers:
    - type: kafka
      name: consumer-lag
      metadata:
        bootstrapServers: {{ join "," $kafka.brokers | quote }}
        consumerGroup: {{ $source.group | quote }}
        topic: {{ include "recsys.physicalTopic" (dict "root" .root "topic" $source.topic) | quote }}
        lagThreshold: {{ $keda.lagThreshold | toString | quote }}
        activationLagThreshold: {{ $keda.activationLagThreshold | toString | quote }}
        offsetResetPolicy: latest
        allowIdleConsumers: "false"
        tls: {{ ternary "enable" "disable" $kafka.tls.enabled | quote }}
        {{- if $kafka.sasl.mechanism }}
        sasl: {{ $kafka.sasl.mechanism | replace "plain" "plaintext" | replace "-" "_" | replace "scram_sha_" "scram_sha" | quote }}
        {{- end }}
      {{- if $needsAuth }}
      authenticationRef:
        name: {{ $name }}
      {{- end }}
    {{- if and (eq .component "scorer") $values.autoscaling.enabled }}
    - type: cpu
      name: cpu
      metricType: Utilization
      metadata:
        value: {{ $values.autoscaling.targetCPUUtilizationPercentage | toString | quote }}
    {{- end }}
{{- end }}
{{- end }}

{{/* All objects of one service. */}}
{{- define "recsys.component" -}}
{{- if (index .root.Values .component).enabled }}
{{ include "recsys.deployment" . }}
---
{{ include "recsys.service" . }}
{{- with include "recsys.hpa" . }}
---
{{ . }}
{{- end }}
{{- with include "recsys.pdb" . }}
---
{{ . }}
{{- end }}
{{- with include "recsys.ingress" . }}
---
{{ . }}
{{- end }}
{{- with include "recsys.networkPolicy" . }}
---
{{ . }}
{{- end }}
{{- with include "recsys.scaledObject" . }}
---
{{ . }}
{{- end }}
{{- end }}
{{- end }}
