; Inno Setup script: the per-user installer for the frozen program (dist\case-review-tracker).
; Built by packaging\build_windows.ps1, which gives the version from the package metadata:
;   ISCC /DAppVersion=0.1.0 packaging\installer.iss
;
; No administrator rights: it installs into the user's own programs folder
; (%LOCALAPPDATA%\Programs\Case Review Tracker) and Start menu. The user's data lives in
; %LOCALAPPDATA%\CaseReviewTracker, which the installer never touches, so uninstalling keeps
; it and an upgrade (same AppId, same folder) replaces only the program's files.

#ifndef AppVersion
  #error Give the version: ISCC /DAppVersion=X.Y.Z (packaging\build_windows.ps1 does)
#endif
#define AppName "Case Review Tracker"
#define AppExe "case-review-tracker.exe"
; The program sets the same ID on its process (app\windows_shell.py): one taskbar button.
#define AppUserModelID "CaseReviewTracker.CaseReviewTracker"
#define SourceDir "..\dist\case-review-tracker"

[Setup]
; Never change the AppId: it is how an upgrade finds the version it replaces.
AppId={{F179991F-1367-43FC-AD07-A5E2952E2AAA}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; The components and their licences, listed by the build from what it bundled.
InfoBeforeFile={#SourceDir}\THIRD-PARTY-LICENCES.txt
SetupIconFile=..\resources\icons\case-review-tracker.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
; An upgrade closes a running copy first, and starts it again if the user wishes.
CloseApplications=yes
RestartApplications=no
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\dist\installer
OutputBaseFilename=CaseReviewTracker-{#AppVersion}-setup

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "Put a shortcut on the &desktop"; Flags: unchecked

[InstallDelete]
; An upgrade starts from a clean program folder, so no file of the old version lingers.
; Only the program's own files: the data folder is elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelID}"; Comment: "Referrals, reviews and the composite action plan"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelID}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Parameters: "--demo"; Description: "Open the demo office (sample records, kept apart from your own)"; Flags: nowait postinstall skipifsilent unchecked
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox('{#AppName} has been removed. Your database, its backups and the logs are kept in '
      + ExpandConstant('{localappdata}') + '\CaseReviewTracker; delete that folder yourself '
      + 'if you no longer need them.', mbInformation, MB_OK);
end;
