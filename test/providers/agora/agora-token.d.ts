/** The parts of agora-token's untyped AccessToken2 module that the cross-checks read. */
declare module "agora-token/src/AccessToken2.js" {
  export const kRtcServiceType: number;

  export class ServiceRtc {
    static kPrivilegeJoinChannel: number;
    static kPrivilegePublishAudioStream: number;
    static kPrivilegePublishVideoStream: number;
    static kPrivilegePublishDataStream: number;
    __channel_name: Uint8Array;
    __uid: Uint8Array;
    __privileges: Record<number, number>;
  }

  export class AccessToken2 {
    constructor(appId: string, appCertificate: string, issueTs: number, expire: number);
    appId: Uint8Array;
    issueTs: number;
    expire: number;
    salt: number;
    from_string(token: string): boolean;
    verifySignature(appCertificate: string): boolean;
    getServices(serviceType: number): ServiceRtc[];
  }
}
