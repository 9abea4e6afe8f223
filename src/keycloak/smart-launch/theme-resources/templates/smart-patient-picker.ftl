<#-- SMART launch/patient for a practitioner: pick the patient the app opens with (smart-patient-picker.js). -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayInfo=false; section>
    <#if section = "header">
        Choose a patient
    <#elseif section = "form">
        <p id="picker-purpose">${client.name?has_content?then(client.name, client.clientId)} asks to open one of your patients' records.</p>
        <form id="patient-search" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" role="search">
            <div class="${properties.kcFormGroupClass!}">
                <label for="name" class="${properties.kcLabelClass!}">Search by name</label>
                <input id="name" name="name" type="search" class="${properties.kcInputClass!}" value="${query!''}" autocomplete="off" autofocus>
            </div>
            <button type="submit" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">Search</button>
        </form>
        <form id="patient-picker" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <#if patients?has_content>
                <ul id="patients" aria-labelledby="picker-purpose" style="list-style: none; padding: 0;">
                    <#list patients as patient>
                        <li style="margin: 0.5rem 0;">
                            <button type="submit" name="patient" value="${patient.id}" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">
                                ${patient.name}<#if patient.birthDate?has_content> · born ${patient.birthDate}</#if> · Patient ${patient.id}
                            </button>
                        </li>
                    </#list>
                </ul>
            <#elseif listed>
                <p id="no-patients">No patient found.</p>
            </#if>
            <button type="submit" name="cancel" value="cancel" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">Cancel</button>
        </form>
    </#if>
</@layout.registrationLayout>
