// Agentless outbound messages: Longrun tells a customer something without an
// agent, with the org's client credentials.
//
// Sources (platform-client-sdk-javascript 259/262, build/docs/ConversationsApi.md
// and index.d.ts; platform-client-sdk-java build/docs/<Model>.md for enums):
// - SMS: `POST /api/v2/conversations/messages/agentless`
//   (ConversationsApi.postConversationsMessagesAgentless), permission
//   `conversation:message:create`; "In order to call this endpoint you will need
//   OAuth token generated using OAuth client credentials". Body
//   SendAgentlessOutboundMessageRequest {fromAddress (required: "for an SMS
//   messenger type, this must be a currently provisioned SMS phone number"),
//   toAddress (E.164 for SMS), toAddressMessengerType ("sms" | "whatsapp" |
//   "open"), textBody (required for SMS, at most 765 characters)}; response
//   SendAgentlessOutboundMessageResponse {id, conversationId, …}.
// - Email: `POST /api/v2/conversations/emails/agentless`
//   (ConversationsApi.postConversationsEmailsAgentless), permission ANY of
//   `conversation:email:create`, `conversation:agentlessEmail:send`. Body
//   AgentlessEmailSendRequestDto {senderType ("Outbound"), fromAddress
//   EmailAddress {email, name}, toAddresses (one recipient only), subject,
//   textBody, htmlBody}; response AgentlessEmailSendResponseDto {id, conversationId, …}.
import platformClient from "purecloud-platform-client-v2";
import { clock } from "@/lib/clock";
import type { Org } from "@/lib/generated/prisma/client";
import { forgetGenesysClient, genesysClientFor } from "@/lib/genesys/genesys-client";
import { toGenesysError } from "@/lib/genesys/genesys-error";

/** What the escalation role must hold for notices (see escalationPermissions in install-steps). */
export const messagingPermissions = ["conversation:message:create", "conversation:agentlessEmail:send"] as const;

export interface SentMessage {
  /** Genesys's id of the message (or of the email). */
  id: string | null;
  conversationId: string | null;
}

async function send<T extends { id?: string; conversationId?: string }>(org: Org, operation: string, run: (api: InstanceType<typeof platformClient.ConversationsApi>) => Promise<unknown>): Promise<SentMessage> {
  const client = await genesysClientFor(org);
  try {
    const response = (await run(new platformClient.ConversationsApi(client))) as { body: T };
    return { id: response.body?.id ?? null, conversationId: response.body?.conversationId ?? null };
  } catch (error) {
    const failure = toGenesysError(error, operation, clock.now());
    if (failure.status === 401) forgetGenesysClient(org.id);
    throw failure;
  }
}

export interface SmsNotice {
  /** A provisioned SMS number of the org (E.164). */
  fromAddress: string;
  /** The customer's number (E.164). */
  toAddress: string;
  textBody: string;
}

export async function sendAgentlessSms(org: Org, sms: SmsNotice): Promise<SentMessage> {
  return send(org, "send SMS (agentless)", (api) =>
    api.postConversationsMessagesAgentless({ fromAddress: sms.fromAddress, toAddress: sms.toAddress, toAddressMessengerType: "sms", textBody: sms.textBody }),
  );
}

export interface EmailNotice {
  from: { email: string; name?: string };
  to: { email: string; name?: string };
  subject: string;
  textBody: string;
}

export async function sendAgentlessEmail(org: Org, email: EmailNotice): Promise<SentMessage> {
  return send(org, "send email (agentless)", (api) =>
    api.postConversationsEmailsAgentless({
      senderType: "Outbound",
      fromAddress: email.from,
      toAddresses: [email.to],
      subject: email.subject,
      textBody: email.textBody,
    }),
  );
}
