// Package synth generates synthetic applicationHost.config files for benchmarks and
// tests: many pools with customised processModel, recycling and failure elements, and
// many sites with bindings and applications, written the way IIS writes them (UTF-8
// BOM, CRLF, four-space indentation).
package synth

import (
	"bufio"
	"fmt"
	"io"
)

// Options choose the size of a generated config.
type Options struct {
	Pools, Sites int
}

// Write writes a synthetic applicationHost.config to w.
func Write(w io.Writer, o Options) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format+"\r\n", args...) }
	bw.WriteString("\uFEFF")
	p(`<?xml version="1.0" encoding="UTF-8"?>`)
	p(`<!-- synthetic applicationHost.config: %d pools, %d sites -->`, o.Pools, o.Sites)
	p(`<configuration>`)
	p(`    <configSections>`)
	p(`        <sectionGroup name="system.applicationHost">`)
	p(`            <section name="applicationPools" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />`)
	p(`            <section name="sites" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />`)
	p(`        </sectionGroup>`)
	p(`    </configSections>`)
	p(`    <system.applicationHost>`)
	p(`        <applicationPools>`)
	for i := 0; i < o.Pools; i++ {
		writePool(p, i)
	}
	p(`            <applicationPoolDefaults managedRuntimeVersion="v4.0" queueLength="4000">`)
	p(`                <processModel identityType="ApplicationPoolIdentity" loadUserProfile="true" setProfileEnvironment="false" />`)
	p(`            </applicationPoolDefaults>`)
	p(`        </applicationPools>`)
	p(`        <sites>`)
	for i := 0; i < o.Sites; i++ {
		writeSite(p, i, o.Pools)
	}
	p(`            <applicationDefaults applicationPool="Pool00000" />`)
	p(`        </sites>`)
	p(`    </system.applicationHost>`)
	p(`</configuration>`)
	return bw.Flush()
}

func writePool(p func(string, ...any), i int) {
	p(`            <add name="Pool%05d" autoStart="true" startMode="%s" managedPipelineMode="Integrated" queueLength="%d">`, i, []string{"OnDemand", "AlwaysRunning"}[i%2], 1000+i%5000)
	p(`                <processModel identityType="%s" idleTimeout="00:%02d:00" idleTimeoutAction="Suspend" maxProcesses="%d" pingInterval="00:00:%02d" pingResponseTime="00:01:30" shutdownTimeLimit="00:01:00" startupTimeLimit="00:01:30" />`,
		[]string{"ApplicationPoolIdentity", "NetworkService", "LocalService"}[i%3], 5+i%50, 1+i%4, 10+i%40)
	p(`                <recycling logEventOnRecycle="Time, Requests, Schedule, Memory, IsapiUnhealthy, OnDemand, ConfigChange, PrivateMemory" disallowOverlappingRotation="false">`)
	p(`                    <periodicRestart time="1.%02d:00:00" requests="%d" memory="%d" privateMemory="%d">`, i%24, 100000+i, 2097152, 1048576)
	p(`                        <schedule>`)
	p(`                            <add value="%02d:%02d:00" />`, i%24, i%60)
	p(`                            <add value="%02d:%02d:00" />`, (i+12)%24, (i+30)%60)
	p(`                        </schedule>`)
	p(`                    </periodicRestart>`)
	p(`                </recycling>`)
	p(`                <failure rapidFailProtection="true" rapidFailProtectionInterval="00:05:00" rapidFailProtectionMaxCrashes="%d" loadBalancerCapabilities="HttpLevel" orphanWorkerProcess="false" />`, 3+i%7)
	p(`                <cpu limit="%d" action="Throttle" resetInterval="00:05:00" />`, 10000+i%80000)
	p(`                <environmentVariables>`)
	p(`                    <add name="POOL_INDEX" value="%d" />`, i)
	p(`                </environmentVariables>`)
	p(`            </add>`)
}

func writeSite(p func(string, ...any), i, pools int) {
	pool := 0
	if pools > 0 {
		pool = i % pools
	}
	p(`            <site name="Site %05d" id="%d" serverAutoStart="true">`, i, i+1)
	p(`                <application path="/" applicationPool="Pool%05d">`, pool)
	p(`                    <virtualDirectory path="/" physicalPath="D:\sites\site%05d\wwwroot" />`, i)
	p(`                </application>`)
	p(`                <application path="/api">`)
	p(`                    <virtualDirectory path="/" physicalPath="D:\sites\site%05d\api" />`, i)
	p(`                </application>`)
	p(`                <bindings>`)
	p(`                    <binding protocol="http" bindingInformation="*:%d:site%05d.example" />`, 8000+i%1000, i)
	p(`                    <binding protocol="https" bindingInformation="*:443:site%05d.example" sslFlags="1" />`, i)
	p(`                </bindings>`)
	p(`                <logFile directory="D:\logs\site%05d" />`, i)
	p(`            </site>`)
}
